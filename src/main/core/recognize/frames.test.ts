import { describe, expect, it } from 'vitest'
import { parseAlphabet } from './alphabet'
import { greedyDecode } from './ctc'
import { scaleClass, type LineFrames } from './frames'

// 1..2 are letters, 3 the space; three classes kept per frame.
const alphabet = parseAlphabet('a\nb\n', { spaceAtEnd: true })
const SPACE = alphabet.space

function frames(rows: Array<Array<[number, number]>>): LineFrames {
  const k = rows[0].length
  const topIndex = new Uint16Array(rows.flat().map(([c]) => c))
  const topProb = new Float32Array(rows.flat().map(([, p]) => p))
  const blank = new Float32Array(rows.map((r) => r.find(([c]) => c === 0)?.[1] ?? 0))
  return { frames: rows.length, k, topIndex, topProb, blank, dim: 0, features: new Float32Array(0) }
}

// "a", a gap the model gives the space 0.3 in, "b".
const gap = () =>
  frames([
    [[1, 0.9], [0, 0.08], [2, 0.02]],
    [[0, 0.5], [SPACE, 0.3], [1, 0.2]],
    [[2, 0.9], [0, 0.06], [1, 0.04]],
  ])

describe('scaleClass (the space prior)', () => {
  it('turns a gap the model half-read as a space into one, keeping each frame a distribution in order', () => {
    expect(greedyDecode(gap(), alphabet).text).toBe('ab')
    const f = scaleClass(gap(), SPACE, 2)
    expect(greedyDecode(f, alphabet).text).toBe('a b')
    expect([...f.topIndex.slice(3, 6)]).toEqual([SPACE, 0, 1])
    expect(f.topProb[3]).toBeCloseTo(0.6 / 1.3, 6)
    expect(f.topProb[4]).toBeCloseTo(0.5 / 1.3, 6)
    expect(f.blank[1]).toBeCloseTo(0.5 / 1.3, 6)
    for (let t = 0; t < 3; t++) {
      const row = [...f.topProb.slice(t * 3, t * 3 + 3)]
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
      expect([...row].sort((a, b) => b - a)).toEqual(row)
    }
  })

  it('leaves frames without the class, and any frame at factor 1, exactly as they were', () => {
    const before = gap()
    const after = scaleClass(gap(), SPACE, 2)
    for (const t of [0, 2]) {
      expect([...after.topIndex.slice(t * 3, t * 3 + 3)]).toEqual([...before.topIndex.slice(t * 3, t * 3 + 3)])
      expect([...after.topProb.slice(t * 3, t * 3 + 3)]).toEqual([...before.topProb.slice(t * 3, t * 3 + 3)])
    }
    expect(scaleClass(gap(), SPACE, 1)).toEqual(gap())
  })

  it('moves a class down its frame when the factor is below 1', () => {
    const f = scaleClass(frames([[[SPACE, 0.5], [0, 0.4], [1, 0.1]]]), SPACE, 0.5)
    expect([...f.topIndex]).toEqual([0, SPACE, 1])
    expect(f.topProb[0]).toBeCloseTo(0.4 / 0.75, 6)
    expect(f.topProb[1]).toBeCloseTo(0.25 / 0.75, 6)
  })
})
