import { describe, expect, it } from 'vitest'
import type { DbBox } from './db-postprocess'
import { scaledSize } from './det-input'
import { defaultDetectSettings } from './settings'
import { textScale } from './text-scale'

/** An upright box of `w` × `h` page pixels. */
const box = (w: number, h: number): DbBox => ({
  points: [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ],
  score: 0.9,
})
const s = defaultDetectSettings.textScale

describe('the scale a page is detected at', () => {
  it('brings the median box to the height the detector reads best, by the short side whichever way it lies', () => {
    // Boxes 40 page px high read at 0.3: 12 model px, half the target, so the page is read again at 0.6.
    expect(textScale([box(400, 40), box(300, 40), box(40, 500), box(100, 10)], 0.3, s)).toBeCloseTo(0.6)
    // Large type read at 1: 48 px, shrunk by half.
    expect(textScale([box(900, 48), box(700, 50), box(600, 46)], 1, s)).toBeCloseTo(0.5)
  })

  it('keeps the first look when it is close enough, when nothing was found, and never enlarges more than maxScale', () => {
    expect(textScale([box(400, 25), box(300, 26), box(200, 23)], 1, s)).toBeNull()
    expect(textScale([], 0.5, s)).toBeNull()
    expect(textScale([box(400, 4), box(300, 4), box(200, 4)], 0.5, s)).toBe(s.maxScale)
  })

  it('reads a page again at most at about maxPixels, sides a multiple of 32', () => {
    expect(scaledSize(1000, 500, 1.5, 32, s.maxPixels)).toEqual({ width: 1504, height: 736 })
    const huge = scaledSize(20_000, 30_000, 1, 32, s.maxPixels)
    expect(huge.width % 32 || huge.height % 32).toBe(0)
    expect(huge.width * huge.height).toBeLessThan(1.05 * s.maxPixels)
    expect(huge.width * huge.height).toBeGreaterThan(0.95 * s.maxPixels)
  })
})
