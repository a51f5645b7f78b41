import { describe, expect, it } from 'vitest'
import { conventionsSummary } from './conventions-summary'

describe('the conventions the learning panel names', () => {
  it('says how the batch writes, and nothing where it shows no convention', () => {
    expect(conventionsSummary(undefined)).toBe(null)
    expect(conventionsSummary({ case: null, unspacedBefore: '' })).toBe(null)
    expect(conventionsSummary({ case: 'upper', unspacedBefore: '' })).toBe('writes CAPITALS')
    expect(conventionsSummary({ case: 'lower', unspacedBefore: ',;' })).toBe('writes lower case · no space before , ;')
  })
})
