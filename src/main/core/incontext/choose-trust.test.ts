import { describe, expect, it } from 'vitest'
import { chooseTrust } from './choose-trust'

// Edits per replayed line (20 lines) for the model alone (trust 0) and two trusts.
const lines = (n: number, edits: number) => new Array<number>(n).fill(edits)
const alone = lines(20, 2)

describe('choosing the trust in context', () => {
  it('trusts context only when it helps clearly more lines than it hurts, and removes a real share of the edits', () => {
    // 12 lines better, 8 worse: 4 net is under 2·√20 ≈ 8.9.
    const split = [...lines(12, 0), ...lines(8, 4)]
    expect(chooseTrust(new Map([[0, alone], [1, split]]), 0, 0.1)).toBe(0)
    // Every line better by one edit: clear, and half the edits gone.
    expect(chooseTrust(new Map([[0, alone], [1, lines(20, 1)]]), 0, 0.1)).toBe(1)
    // Clear on lines but only 5 % of the edits removed: not enough.
    expect(chooseTrust(new Map([[0, lines(20, 20)], [1, lines(20, 19)]]), 0, 0.1)).toBe(0)
  })

  it('keeps the current trust on a near-tie, and changes it when another beats it clearly', () => {
    const good = lines(20, 1)
    // 0.85 has two fewer edits than 1 in all, on two lines: not clearly better, so 1 stays.
    const nearTie = [0, 0, ...lines(18, 1)]
    expect(chooseTrust(new Map([[0, alone], [0.85, nearTie], [1, good]]), 1, 0.1)).toBe(1)
    // From nothing, the fewest edits wins.
    expect(chooseTrust(new Map([[0, alone], [0.85, nearTie], [1, good]]), 0, 0.1)).toBe(0.85)
    // Better on every line: a clear win, so the trust moves.
    expect(chooseTrust(new Map([[0, alone], [0.85, lines(20, 0)], [1, good]]), 1, 0.1)).toBe(0.85)
  })

  it('drops a trust the evidence no longer supports', () => {
    expect(chooseTrust(new Map([[0, alone], [1, lines(20, 3)]]), 1, 0.1)).toBe(0)
  })
})
