import { describe, expect, it } from 'vitest'
import { count } from './plural'

describe('count', () => {
  it('agrees with its number', () => {
    expect(count(1, 'line')).toBe('1 line')
    expect(count(0, 'line')).toBe('0 lines')
    expect(count(2, 'line')).toBe('2 lines')
    expect(count(1, 'correction', 'corrections')).toBe('1 correction')
  })
})
