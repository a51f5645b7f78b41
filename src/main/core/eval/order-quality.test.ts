import { describe, expect, it } from 'vitest'
import { orderQuality } from './order-quality'

describe('order quality', () => {
  it('counts the wrong lines met in the first tenth and fifth of the order, and the effort to meet 80 % of them', () => {
    // 20 lines, 5 wrong: 2 in the first 2 lines, 1 more in the first 4, the rest at 10 and 20.
    const wrong = Array.from({ length: 20 }, (_, i) => [0, 1, 3, 9, 19].includes(i))
    expect(orderQuality(wrong)).toEqual({ wrong: 5, recall10: 40, recall20: 60, effort80: 50 })
  })

  it('is perfect when the wrong lines come first', () => {
    const wrong = Array.from({ length: 10 }, (_, i) => i < 1)
    expect(orderQuality(wrong)).toMatchObject({ recall10: 100, recall20: 100, effort80: 10 })
  })
})
