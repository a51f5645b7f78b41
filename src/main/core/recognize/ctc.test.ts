import { describe, expect, it } from 'vitest'
import { parseAlphabet } from './alphabet'
import { beamDecode, decode, decodeSegments, defaultBeam, greedyDecode, joinSegments } from './ctc'
import type { LineFrames } from './frames'

// A small alphabet: 1..5 are letters, 6 the space (as PP-OCR puts it after the keys).
const alphabet = parseAlphabet('a\nb\nc\nd\ne\n', { spaceAtEnd: true })
const K = 4

/** Random frames: runs of certain blanks between stretches where two or three classes compete. */
function randomFrames(seed: number, frames: number): LineFrames {
  let s = seed
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const topIndex = new Uint16Array(frames * K)
  const topProb = new Float32Array(frames * K)
  const blank = new Float32Array(frames)
  for (let t = 0; t < frames; t++) {
    const certain = rand() < 0.35
    const classes = certain ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5, 6].sort(() => rand() - 0.5).slice(0, K)
    const weights = classes.map((c, j) => (certain ? (j === 0 ? 1 : 1e-5) : rand() ** 2))
    const total = weights.reduce((a, b) => a + b, 0)
    const ranked = classes.map((c, j) => [c, weights[j] / total] as const).sort((a, b) => b[1] - a[1])
    ranked.forEach(([c, p], j) => ((topIndex[t * K + j] = c), (topProb[t * K + j] = p)))
    blank[t] = ranked.find(([c]) => c === 0)?.[1] ?? 0
  }
  return { frames, k: K, topIndex, topProb, blank, dim: 0, features: new Float32Array(0) }
}

describe('CTC decoding', () => {
  it('decodes segment by segment, and reusing untouched segments gives exactly a fresh decode', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const f = randomFrames(seed, 10 + (seed % 50))
      const before = decodeSegments(f, alphabet)
      // Change a few frames (some become certain blanks, which moves segment bounds), mark them dirty.
      const g = { ...f, topIndex: f.topIndex.slice(), topProb: f.topProb.slice(), blank: f.blank.slice() }
      const other = randomFrames(seed + 1000, f.frames)
      const dirty = new Uint8Array(f.frames)
      for (let t = seed % 7; t < f.frames; t += 5 + (seed % 4)) {
        g.topIndex.set(other.topIndex.subarray(t * K, (t + 1) * K), t * K)
        g.topProb.set(other.topProb.subarray(t * K, (t + 1) * K), t * K)
        g.blank[t] = other.blank[t]
        dirty[t] = 1
      }
      const reused = decodeSegments(g, alphabet, undefined, { previous: before, dirty })
      expect(reused).toEqual(decodeSegments(g, alphabet))
      expect(joinSegments(reused, alphabet)).toEqual(decode(g, alphabet))
    }
  })

  it('reads a line without competing classes as greedy does, and one beam over a single segment as the whole-line beam', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const f = randomFrames(seed, 30)
      // No certain blank inside: one segment, so the segmented decode is the whole-line beam search.
      const oneSegment = { ...f, topIndex: f.topIndex.slice(), topProb: f.topProb.slice() }
      for (let t = 0; t < f.frames; t++) if (oneSegment.topIndex[t * K] === 0 && oneSegment.topProb[t * K + 1] < 1e-3) oneSegment.topProb[t * K + 1] = 0.01
      expect(decode(oneSegment, alphabet)).toEqual(beamDecode(oneSegment, alphabet))
      // Only the best class per frame above the threshold: the beam can only follow the greedy path.
      const peaked = { ...f, topProb: f.topProb.map((p, i) => (i % K === 0 ? p : 0)) }
      expect(decode(peaked, alphabet)).toEqual(greedyDecode(peaked, alphabet))
    }
  })

  it('keeps a repeated character apart across a certain blank, and reads an all-blank line as empty', () => {
    const f = randomFrames(1, 3)
    // "a", certain blank, "a": two characters.
    f.topIndex.set([1, 0, 2, 3, 0, 1, 2, 3, 1, 0, 2, 3])
    f.topProb.set([0.9, 0.1, 0, 0, 1, 0, 0, 0, 0.9, 0.1, 0, 0])
    f.blank.set([0.1, 1, 0.1])
    expect(decode(f, alphabet).text).toBe('aa')
    const blankLine = { ...f, topIndex: new Uint16Array(12), topProb: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]) }
    expect(decode(blankLine, alphabet)).toEqual({ text: '', charConfidences: [], confidence: 0 })
  })

  it('outputs only the classes a batch allows, folding a class into another where told', () => {
    // Frames: "b" (sure), a frame where a disallowed "e" leads "c", blank, then "d" read as its wide twin "e"→"d".
    const f = randomFrames(1, 4)
    f.topIndex.set([2, 0, 3, 4, 5, 3, 0, 1, 0, 1, 2, 3, 5, 4, 0, 1])
    f.topProb.set([0.95, 0.05, 0, 0, 0.7, 0.2, 0.1, 0, 1, 0, 0, 0, 0.6, 0.3, 0.1, 0])
    f.blank.set([0.05, 0.1, 1, 0.1])
    expect(decode(f, alphabet).text).toBe('bee')
    expect(greedyDecode(f, alphabet).text).toBe('bee')
    // "e" is not allowed, except as what the 4th frame reads: there it is "d" (folded), with d's own share.
    const classes = Int32Array.from({ length: alphabet.size }, (_, c) => c)
    classes[5] = -1
    expect(decode(f, alphabet, { ...defaultBeam, classes }).text).toBe('bcd')
    classes[5] = 4
    const folded = decode(f, alphabet, { ...defaultBeam, classes })
    expect(folded.text).toBe('bdd')
    expect(greedyDecode(f, alphabet, classes).text).toBe('bdd')
    // The folded frame's confidence is e's and d's together.
    expect(greedyDecode(f, alphabet, classes).charConfidences[2]).toBeCloseTo(0.9, 5)
    // Nothing allowed but the blank: an empty line.
    const none = new Int32Array(alphabet.size).fill(-1)
    none[0] = 0
    expect(decode(f, alphabet, { ...defaultBeam, classes: none }).text).toBe('')
  })
})
