import { describe, expect, it } from 'vitest'
import { detectionJunk, likelyJunk } from './line-junk'

const read = (text: string, confidence = 0.95, detScore: number | null = 0.85, detJunk = 0) => likelyJunk({ text, confidence, detScore, detJunk })

describe('likely junk', () => {
  it('is a reading without a letter or digit, an unsure one, a short one not sure, or a faint box read unsure', () => {
    expect(read('')).toBe(true)
    expect(read('· :')).toBe(true)
    expect(read('.mncm', 0.4)).toBe(true)
    expect(read('开', 0.55)).toBe(true)
    expect(read('TOTAL', 0.7, 0.62)).toBe(true)
    expect(read('TOTAL 12.50')).toBe(false)
    expect(read('5', 0.99)).toBe(false)
  })

  it('is never a cut line: someone cut it as text', () => {
    expect(read('', 0, null)).toBe(false)
    expect(read('.mncm', 0.4, null)).toBe(false)
  })

  it('is a tiny box or a nearly blank crop, whatever it reads', () => {
    expect(detectionJunk({ width: 40, height: 6 }, 200)).toBe(true)
    expect(detectionJunk({ width: 10, height: 10 }, 200)).toBe(true)
    expect(detectionJunk({ width: 120, height: 20 }, 30)).toBe(true)
    expect(detectionJunk({ width: 120, height: 20 }, 200)).toBe(false)
    expect(read('TOTAL', 0.99, 0.9, 1)).toBe(true)
  })
})
