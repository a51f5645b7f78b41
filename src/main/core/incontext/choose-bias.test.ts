import { describe, expect, it } from 'vitest'
import { chooseBias, clearlyAhead, clearlyBetter } from './choose-bias'

// Edits per replayed line (20 lines) for the model alone (trust 0) and two trusts.
const lines = (n: number, edits: number) => new Array<number>(n).fill(edits)
const alone = lines(20, 2)

describe('the sign test', () => {
  it('calls a side ahead only when it wins clearly more lines than it loses, and at least two more', () => {
    // 12 lines better, 8 worse: 4 net is under 2·√20 ≈ 8.9.
    expect(clearlyAhead(12, 8)).toBe(false)
    expect(clearlyAhead(20, 0)).toBe(true)
    // One line alone is no evidence.
    expect(clearlyAhead(1, 0)).toBe(false)
    expect(clearlyBetter(lines(20, 1), alone)).toBe(true)
    expect(clearlyBetter([...lines(12, 0), ...lines(8, 4)], alone)).toBe(false)
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
