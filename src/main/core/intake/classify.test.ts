import { describe, expect, it } from 'vitest'
import type { Quad } from '../pages/types'
import { isOneLine, kindBySize } from './classify'

const box = (x0: number, y0: number, x1: number, y1: number): Quad => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
]

describe('page or line', () => {
  it('decides by size only at the ends: a thin image is a line, a large one a page, a small scan is either', () => {
    expect(kindBySize(872, 50)).toBe('line')
    expect(kindBySize(50, 872)).toBe('line')
    expect(kindBySize(1000, 1400)).toBe('document')
    // The receipts of issue 22, and the largest word crop of the evaluation sets.
    expect(kindBySize(463, 605)).toBe('page-or-line')
    expect(kindBySize(1017, 267)).toBe('page-or-line')
  })

  it('takes an image for a line when its lines are one row filling it, or when it has none', () => {
    expect(isOneLine([], 300, 120)).toBe(true)
    expect(isOneLine([box(10, 12, 290, 108)], 300, 120)).toBe(true)
    // A word gap split by the detector: two boxes side by side.
    expect(isOneLine([box(10, 12, 140, 108), box(160, 15, 290, 105)], 300, 120)).toBe(true)
    // A line turned 90°: it fills the image the other way.
    expect(isOneLine([box(12, 10, 108, 290)], 120, 300)).toBe(true)
  })

  it('takes an image for a page when its lines stack, or leave most of it blank', () => {
    expect(isOneLine([box(20, 20, 400, 50), box(20, 60, 300, 90), box(20, 100, 350, 130)], 463, 605)).toBe(false)
    expect(isOneLine([box(20, 20, 400, 50)], 463, 605)).toBe(false)
  })
})
