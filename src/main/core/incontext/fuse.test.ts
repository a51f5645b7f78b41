import { describe, expect, it } from 'vitest'
import type { LineFrames } from '../recognize/frames'
import { parseAlphabet } from '../recognize/alphabet'
import { FuseScratch, fuseRows, fuseRun, type FrameNeighbours, type FuseGate } from './fuse'
import { BatchAlphabet } from './batch-alphabet'
import { CHAR_FEATURES, ClassKinds, GAP_FEATURES } from './gate'
import { FramePool } from './pool'
import { noLetterContext } from './letter-context'
import { noSpacing } from './spacing'
import { defaultContextSettings } from './settings'

const kinds = new ClassKinds(parseAlphabet('f\nF\n6\n8\n3\nb', { spaceAtEnd: true }))
/** A gate that believes every vote (or none): only its bias counts. */
const gate = (bias: number): FuseGate => ({ on: true, weights: { chars: [bias, ...new Array<number>(CHAR_FEATURES - 1).fill(0)], gaps: new Array(GAP_FEATURES).fill(0) }, kinds, spacing: noSpacing, letters: noLetterContext })

const K = 3
const LOWER_F = 1
const UPPER_F = 2
const SIX = 3
const EIGHT = 4
const THREE = 5
const LETTER_B = 6

/** Three frames the model reads as "f" (0.9 each; or another character), blank runner-up. */
function lowerF(read = LOWER_F, second = UPPER_F): LineFrames {
  return {
    frames: 3,
    k: K,
    topIndex: Uint16Array.from([read, 0, second, read, 0, second, read, 0, second]),
    topProb: Float32Array.from([0.9, 0.08, 0.02, 0.9, 0.08, 0.02, 0.9, 0.08, 0.02]),
    blank: Float32Array.from([0.08, 0.08, 0.08]),
    dim: 1,
    features: new Float32Array(3),
  }
}

/**
 * Stored frames labelled `label`, one from each of `lines` corrected lines; their ids. An "F" is the
 * reviewer's capital where the model read "f" (a case change upward), unless `caseChange` says otherwise.
 */
function stored(pool: FramePool, label: number, lines: number, first = 1, caseChange = label === UPPER_F ? 1 : 0): number[] {
  return Array.from({ length: lines }, (_, i) => pool.add(first + i, [{ label, features: Float32Array.of(1), caseChange }])[0])
}

/** Two corrected lines elsewhere in the batch on which the reviewer wrote a capital for the model's small letter. */
function capitalsConvention(pool: FramePool) {
  stored(pool, UPPER_F, 2, 100)
}

/** Neighbours at the given similarity, in the order given. */
function near(ids: number[], sim = 0.99): FrameNeighbours {
  return { sims: Float32Array.from(ids, () => sim), ids: Int32Array.from(ids), at: 0, count: ids.length }
}

/** The three-frame "f" (or `read`) fused with these neighbours on every frame, under a gate of this bias. */
function fuseF(pool: FramePool, neighbours: FrameNeighbours, bias: number, read = LOWER_F) {
  const f = lowerF(read)
  const index = new Uint16Array(9)
  const prob = new Float32Array(9)
  const decided = new Int32Array(3)
  fuseRun(f, Int32Array.of(0, 1, 2), 0, 3, () => neighbours, pool, gate(bias), defaultContextSettings, index, prob, decided, new FuseScratch())
  return { first: index[0], p: prob[0], decided: Array.from(decided) }
}

describe('fusing a character', () => {
  it('lets the close, unanimous vote on one frame of a character act on all its frames', () => {
    const pool = new FramePool(1)
    const ids = stored(pool, UPPER_F, 4)
    // Only the middle frame has neighbours (four stored "F" at cosine distance 0.01); its edges none.
    const none: FrameNeighbours = { sims: new Float32Array(0), ids: new Int32Array(0), at: 0, count: 0 }
    const close = near(ids)
    const neighbour = (q: number) => (q === 1 ? close : none)
    const f = lowerF()
    const queried = Int32Array.of(0, 1, 2)
    const out = { index: f.topIndex.slice(), prob: f.topProb.slice(), decided: new Int32Array(3) }
    const scratch = new FuseScratch()
    const fuseUnit = (q0: number, q1: number, index: Uint16Array, prob: Float32Array, decided: Int32Array) =>
      fuseRun(f, queried, q0, q1, neighbour, pool, gate(4), defaultContextSettings, index, prob, decided, scratch)
    // One unit (the model reads the same character on all three frames): every frame turns "F".
    expect(fuseRows(f, queried, () => true, fuseUnit, out, scratch, [1])).toBe(true)
    expect([out.index[0], out.index[K], out.index[2 * K]]).toEqual([UPPER_F, UPPER_F, UPPER_F])
    expect(Array.from(out.decided)).toEqual([UPPER_F, UPPER_F, UPPER_F])
    // Fused frame by frame, the edges keep "f" — the "fFAX" a CTC decode then reads.
    const alone = { index: f.topIndex.slice(), prob: f.topProb.slice(), decided: new Int32Array(3) }
    fuseRows(f, queried, () => false, fuseUnit, alone, scratch)
    expect([alone.index[0], alone.index[K], alone.index[2 * K]]).toEqual([LOWER_F, UPPER_F, LOWER_F])
  })

  it('shares the two labels as the gate believes: a doubting gate leaves the model reading, a sure one the vote', () => {
    const pool = new FramePool(1)
    const close = near(stored(pool, UPPER_F, 8))
    // g = σ(−4) ≈ 0.02: "f" keeps ~0.9 of its frame, "F" gets the rest.
    expect(fuseF(pool, close, -4)).toMatchObject({ first: LOWER_F, decided: [-1, -1, -1] })
    // σ(4) ≈ 0.98 of the two labels' mass (0.92): the confidence of the change is what context believes of it.
    const sure = fuseF(pool, close, 4)
    expect(sure).toMatchObject({ first: UPPER_F, decided: [UPPER_F, UPPER_F, UPPER_F] })
    expect(sure.p).toBeCloseTo(0.98 * 0.92, 1)
  })

  it('never lets one or two look-alikes overrule a digit, nor three a letter read for a digit, however sure the gate', () => {
    const pool = new FramePool(1)
    // Several close "8" frames, but from one corrected line (a repeated glyph): the "6" stays; two lines neither.
    const one = pool.add(1, [0, 1, 2].map(() => ({ label: EIGHT, features: Float32Array.of(1) })))
    expect(fuseF(pool, near(one), 10, SIX)).toMatchObject({ first: SIX, decided: [-1, -1, -1] })
    const two = [...one, ...stored(pool, EIGHT, 1, 2)]
    expect(fuseF(pool, near(two), 10, SIX).first).toBe(SIX)
    // A third line agreeing is evidence enough for a sure gate.
    expect(fuseF(pool, near([...two, ...stored(pool, EIGHT, 1, 3)]), 10, SIX).first).toBe(EIGHT)
    // A letter for a digit needs four lines: O/0, S/5 and b/6 are what small batches broke numbers with.
    const letters = stored(pool, LETTER_B, 3, 10)
    expect(fuseF(pool, near(letters), 10, SIX).first).toBe(SIX)
    expect(fuseF(pool, near([...letters, ...stored(pool, LETTER_B, 1, 20)]), 10, SIX).first).toBe(LETTER_B)
  })

  it('holds a letter between two letters against a digit as a number holds its digits', () => {
    // "fbf": the model reads b between two f's; lines that say 6 there would make a word "f6f" (Slip → S1ip).
    const f: LineFrames = {
      frames: 9,
      k: K,
      topIndex: Uint16Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((t) => [t >= 3 && t < 6 ? LETTER_B : LOWER_F, 0, SIX])),
      topProb: Float32Array.from({ length: 27 }, (_, j) => [0.9, 0.08, 0.02][j % 3]),
      blank: new Float32Array(9).fill(0.08),
      dim: 1,
      features: new Float32Array(9),
    }
    const fuseB = (neighbours: FrameNeighbours) => {
      const index = new Uint16Array(27)
      fuseRun(f, Int32Array.of(3, 4, 5), 0, 3, () => neighbours, pool, gate(10), defaultContextSettings, index, new Float32Array(27), new Int32Array(3), new FuseScratch())
      return index[3 * K]
    }
    const pool = new FramePool(1)
    // Four lines would do for a lone letter (above); inside a word it takes more than eight.
    const four = stored(pool, SIX, 4)
    expect(fuseF(pool, near(four), 10, LETTER_B).first).toBe(SIX)
    expect(fuseB(near(four))).toBe(LETTER_B)
    expect(fuseB(near([...four, ...stored(pool, SIX, 6, 10)]))).toBe(SIX)
  })

  it('never changes a number on a split vote between two other digits', () => {
    const pool = new FramePool(1)
    // Four lines say "8", four say "3": neither has the vote to itself.
    const split = [...stored(pool, EIGHT, 4), ...stored(pool, THREE, 4, 10)]
    expect(fuseF(pool, near(split), 10, SIX)).toMatchObject({ first: SIX, decided: [-1, -1, -1] })
  })

  it('lets the gate alone decide between letters: a batch of one print shows in few lines', () => {
    const pool = new FramePool(1)
    capitalsConvention(pool)
    expect(fuseF(pool, near(stored(pool, UPPER_F, 1)), 4).first).toBe(UPPER_F)
    expect(fuseF(pool, near(stored(pool, UPPER_F, 1, 5)), -4).first).toBe(LOWER_F)
  })

  it("changes a letter's case only the way the reviewer has changed the model's case on two lines", () => {
    // Eight close "F" the model itself read as "F" (no correction changed their case): however sure the
    // gate, the small "f" stays — the frames hold case poorly, the model reads it with the line in view.
    const pool = new FramePool(1)
    const confirmed = near(stored(pool, UPPER_F, 8, 1, 0))
    expect(fuseF(pool, confirmed, 10)).toMatchObject({ first: LOWER_F, decided: [-1, -1, -1] })
    // One line on which the reviewer wrote a capital for the model's small letter is not yet a convention…
    stored(pool, UPPER_F, 1, 100)
    expect(fuseF(pool, confirmed, 10).first).toBe(LOWER_F)
    // …two are: the same vote now changes the case.
    stored(pool, UPPER_F, 1, 101)
    expect(fuseF(pool, confirmed, 10).first).toBe(UPPER_F)
    // Another letter turned to small on two lines that write no word says nothing of this one (a form's
    // ticks "X" → "x")…
    stored(pool, LETTER_B, 2, 400, 2)
    // …so the way the reviewer never went for "f" (capital to small), a vote for "f" leaves an "F" read so;
    const small = near(stored(pool, LOWER_F, 8, 200))
    expect(fuseF(pool, small, 10, UPPER_F).first).toBe(UPPER_F)
    // two lines that wrote this letter small where the model read a capital do let it…
    const own = stored(pool, LOWER_F, 2, 500, 2)
    expect(fuseF(pool, small, 10, UPPER_F).first).toBe(LOWER_F)
    pool.kill(own)
    // …as do two lines of words that turned any letter small.
    for (const line of [600, 601]) pool.add(line, [{ label: LETTER_B, features: Float32Array.of(1), caseChange: 2, word: true }])
    expect(fuseF(pool, small, 10, UPPER_F).first).toBe(LOWER_F)
  })

  it('forgets a case convention whose corrections are taken back', () => {
    const pool = new FramePool(1)
    const convention = stored(pool, UPPER_F, 2, 100)
    const confirmed = near(stored(pool, UPPER_F, 8, 1, 0))
    expect(fuseF(pool, confirmed, 10).first).toBe(UPPER_F)
    pool.kill(convention.slice(0, 1))
    expect(pool.caseChangeLines(UPPER_F)).toBe(1)
    expect(fuseF(pool, confirmed, 10).first).toBe(LOWER_F)
  })

  it("leaves the model's rows alone where the vote names the model's own character", () => {
    const pool = new FramePool(1)
    const ids = pool.add(7, [0, 1].map(() => ({ label: LOWER_F, features: Float32Array.of(1) })))
    const close: FrameNeighbours = { sims: Float32Array.of(0.99, 0.99), ids: Int32Array.from(ids), at: 0, count: 2 }
    const f = lowerF()
    const index = new Uint16Array(9)
    const prob = new Float32Array(9)
    fuseRun(f, Int32Array.of(0, 1, 2), 0, 3, () => close, pool, gate(4), defaultContextSettings, index, prob, new Int32Array(3), new FuseScratch())
    expect(Array.from(index)).toEqual(Array.from(f.topIndex))
    expect(Array.from(prob)).toEqual(Array.from(f.topProb))
  })
})

describe('a class the batch added', () => {
  it('is put to the gate where the model reads its look-alike and that leads the vote (ſ beside f)', () => {
    const alphabet = new BatchAlphabet(parseAlphabet('f\nF\n6\n8\n3\nb', { spaceAtEnd: true }))
    const longS = alphabet.add('ſ')
    const added = new ClassKinds(alphabet, { modelSize: alphabet.base.size, capacity: alphabet.base.size + 4 })
    added.sync()
    const pool = new FramePool(1)
    // Three corrected lines wrote f on frames like these, two ſ: the model's f leads the vote.
    const votes = near([...stored(pool, LOWER_F, 3), ...stored(pool, longS, 2, 10)])
    const read = (bias: number) => {
      const index = new Uint16Array(9)
      const prob = new Float32Array(9)
      const decided = new Int32Array(3).fill(-1)
      const weights = { chars: [bias, ...new Array<number>(CHAR_FEATURES - 1).fill(0)], gaps: new Array(GAP_FEATURES).fill(0) }
      const fused = { on: true, weights, kinds: added, spacing: noSpacing, letters: noLetterContext }
      fuseRun(lowerF(), Int32Array.of(0, 1, 2), 0, 3, () => votes, pool, fused, defaultContextSettings, index, prob, decided, new FuseScratch())
      return { first: index[0], decided: Array.from(decided) }
    }
    // A gate that believes such votes reads ſ; one that does not keeps the model's f.
    expect(read(5)).toEqual({ first: longS, decided: [longS, longS, longS] })
    expect(read(-5).first).toBe(LOWER_F)
  })
})
