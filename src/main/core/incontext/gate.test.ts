import { describe, expect, it } from 'vitest'
import { isotropic, widened } from './gate'

describe('a gate saved with fewer features', () => {
  it('keeps its weights and precisions and takes the prior for the features added since', () => {
    const saved = { mean: [1, 2], precision: [4, 1, 1, 5] }
    const like = isotropic([0, 0, 0.5], 2)
    const wide = widened(saved, like)
    expect(wide.mean).toEqual([1, 2, 0.5])
    expect(wide.precision).toEqual([4, 1, 0, 1, 5, 0, 0, 0, 2])
    expect(widened(like, like)).toBe(like)
  })
})
