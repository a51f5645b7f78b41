import { describe, expect, it } from 'vitest'
import type { LineFrames } from '../recognize/frames'
import { parseAlphabet } from '../recognize/alphabet'
import { FuseScratch, fuseRows, fuseRun, type FrameNeighbours, type FuseGate } from './fuse'
import { ClassKinds, GAP_FEATURES } from './gate'
import { FramePool } from './pool'
import { noSpacing } from './spacing'
import { defaultContextSettings } from './settings'

const kinds = new ClassKinds(parseAlphabet('f\nF', { spaceAtEnd: true }))
/** A gate that believes every vote (or none): only its bias counts. */
const gate = (bias: number): FuseGate => ({ on: true, weights: { chars: [bias, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], gaps: new Array(GAP_FEATURES).fill(0) }, kinds, spacing: noSpacing })

const K = 3
const LOWER_F = 1
const UPPER_F = 2

/** Three frames the model reads as "f" (0.9 each), blank runner-up. */
function lowerF(): LineFrames {
  return {
    frames: 3,
    k: K,
    topIndex: Uint16Array.from([LOWER_F, 0, UPPER_F, LOWER_F, 0, UPPER_F, LOWER_F, 0, UPPER_F]),
    topProb: Float32Array.from([0.9, 0.08, 0.02, 0.9, 0.08, 0.02, 0.9, 0.08, 0.02]),
    blank: Float32Array.from([0.08, 0.08, 0.08]),
    dim: 1,
    features: new Float32Array(3),
  }
}

describe('fusing a character', () => {
  it('lets the close, unanimous vote on one frame of a character act on all its frames', () => {
    const pool = new FramePool(1)
    const ids = pool.add(7, [0, 1, 2].map(() => ({ label: UPPER_F, features: Float32Array.of(1) })))
    // Only the middle frame has neighbours (three stored "F" at cosine distance 0.01); its edges none.
    const none: FrameNeighbours = { sims: new Float32Array(0), ids: new Int32Array(0), at: 0, count: 0 }
    const close: FrameNeighbours = { sims: Float32Array.of(0.99, 0.99, 0.99), ids: Int32Array.from(ids), at: 0, count: 3 }
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
    const ids = pool.add(7, [0, 1].map(() => ({ label: UPPER_F, features: Float32Array.of(1) })))
    const close: FrameNeighbours = { sims: Float32Array.of(0.99, 0.99), ids: Int32Array.from(ids), at: 0, count: 2 }
    const f = lowerF()
    const queried = Int32Array.of(0, 1, 2)
    const read = (bias: number) => {
      const index = new Uint16Array(9)
      const prob = new Float32Array(9)
      const decided = new Int32Array(3)
      fuseRun(f, queried, 0, 3, () => close, pool, gate(bias), defaultContextSettings, index, prob, decided, new FuseScratch())
      return { first: index[0], p: prob[0], decided: Array.from(decided) }
    }
    // g = σ(−4) ≈ 0.02: "f" keeps ~0.9 of its frame, "F" gets the rest.
    expect(read(-4)).toMatchObject({ first: LOWER_F, decided: [-1, -1, -1] })
    // g = σ(4) ≈ 0.98 of the two labels' mass (0.92): the confidence is the gate's.
    const sure = read(4)
    expect(sure).toMatchObject({ first: UPPER_F, decided: [UPPER_F, UPPER_F, UPPER_F] })
    expect(sure.p).toBeCloseTo(0.9, 1)
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
