import { describe, expect, it } from 'vitest'
import { chooseBias, chooseTrust } from './choose-trust'

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

describe("choosing the lexicon's bias", () => {
  // 300 replayed lines, most with nothing for the lexicon to do.
  const none = lines(300, 1)
  const fixes = (n: number, harms = 0) => [...lines(n, 0), ...lines(harms, 2), ...lines(300 - n - harms, 1)]

  it('uses the vocabulary when it clearly fixes lines and harms at most one per ten it fixes', () => {
    expect(chooseBias(new Map([[0, none], [4, fixes(10)]]), 0, 0.1)).toBe(4)
    expect(chooseBias(new Map([[0, none], [4, fixes(20, 2)]]), 0, 0.1)).toBe(4)
    // Clearly more fixed than harmed, but 3 harmed for 20 fixed.
    expect(chooseBias(new Map([[0, none], [4, fixes(20, 3)]]), 0, 0.1)).toBe(0)
    // Three fixes are not clearly more than none (2·√3 ≈ 3.5).
    expect(chooseBias(new Map([[0, none], [4, fixes(3)]]), 0, 0.1)).toBe(0)
  })

  it('takes the larger of two biases that did as well, and the one with fewer edits otherwise', () => {
    expect(chooseBias(new Map([[0, none], [1, fixes(10)], [2, fixes(10)], [4, fixes(12, 6)]]), 0, 0.1)).toBe(2)
    expect(chooseBias(new Map([[0, none], [1, fixes(10)], [2, fixes(12)]]), 0, 0.1)).toBe(2)
    expect(chooseBias(new Map([[0, none], [1, fixes(12)], [2, fixes(10)]]), 0, 0.1)).toBe(1)
  })

  it('keeps the current bias until another is clearly better', () => {
    expect(chooseBias(new Map([[0, none], [1, fixes(10)], [2, fixes(12)]]), 1, 0.1)).toBe(1)
    expect(chooseBias(new Map([[0, none], [1, fixes(10)], [2, fixes(30)]]), 1, 0.1)).toBe(2)
  })
})
