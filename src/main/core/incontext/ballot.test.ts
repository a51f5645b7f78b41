import { describe, expect, it } from 'vitest'
import { Ballot } from './ballot'
import { FramePool } from './pool'

describe('a ballot', () => {
  it("counts one label's votes for another when folded: weight, nearest and lines together", () => {
    const pool = new FramePool(2)
    const features = new Float32Array(2)
    // Entries 0–1 label 7 (lines 1, 2), 2 label 8 (line 2), 3 label 9 (line 3).
    pool.add(1, [{ label: 7, features }])
    pool.add(2, [{ label: 7, features }, { label: 8, features }])
    pool.add(3, [{ label: 9, features }])
    const ballot = new Ballot()
    ballot.add({ sims: Float32Array.of(0.99, 0.98, 0.97, 0.96), ids: Int32Array.of(0, 2, 1, 3), at: 0, count: 4 }, pool, 0.1, 0.02)
    ballot.decide()
    expect(ballot.top).toBe(7)
    const total = ballot.total
    const w8 = ballot.weight[ballot.indexOf(8)]
    ballot.fold(7, 9)
    ballot.decide()
    expect(ballot.size).toBe(2)
    expect(ballot.indexOf(7)).toBe(-1)
    expect(ballot.top).toBe(9)
    expect(ballot.total).toBe(total)
    expect(ballot.weight[ballot.indexOf(9)]).toBeCloseTo(total - w8, 12)
    expect(ballot.weight[ballot.indexOf(8)]).toBe(w8)
    expect(ballot.best[ballot.topAt]).toBeCloseTo(0.99, 6)
    expect(ballot.lineCount[ballot.topAt]).toBe(3)
    // A label with no votes of its own takes the folded one's place.
    ballot.fold(8, 5)
    expect(ballot.indexOf(5)).toBeGreaterThanOrEqual(0)
    expect(ballot.weight[ballot.indexOf(5)]).toBe(w8)
  })
})
