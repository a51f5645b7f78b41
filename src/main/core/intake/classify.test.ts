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
    // A long strip is a line, even past what a page may measure; a long receipt is not that long.
    expect(kindBySize(100_000, 96)).toBe('line')
    expect(kindBySize(96, 2000)).toBe('line')
    expect(kindBySize(250, 1400)).toBe('page-or-line')
  })

  it('takes an image for a line when its lines are one row filling it, or when it has none', () => {
    expect(isOneLine([], 300, 120)).toBe(true)
    expect(isOneLine([box(10, 12, 290, 108)], 300, 120)).toBe(true)
    // A word gap split by the detector: two boxes side by side.
    expect(isOneLine([box(10, 12, 140, 108), box(160, 15, 290, 105)], 300, 120)).toBe(true)
    // A line turned 90°: it fills the image the other way.
    expect(isOneLine([box(12, 10, 108, 290)], 120, 300)).toBe(true)
    // Crops of the evaluation sets: a receipt line with generous padding, a word at the side of its crop,
    // a Fraktur line bending across its image.
    expect(isOneLine([box(20, 26, 743, 51)], 774, 70)).toBe(true)
    expect(isOneLine([box(251, 9, 359, 48)], 378, 64)).toBe(true)
    expect(isOneLine([box(9, 12, 33, 31), box(58, 6, 278, 47), box(311, 11, 634, 60), box(679, 26, 736, 62), box(767, 29, 830, 60)], 833, 67)).toBe(true)
  })

  it('takes an image for a page when its lines stack, or leave most of it blank', () => {
    expect(isOneLine([box(20, 20, 400, 50), box(20, 60, 300, 90), box(20, 100, 350, 130)], 463, 605)).toBe(false)
    expect(isOneLine([box(20, 20, 400, 50)], 463, 605)).toBe(false)
    // Several lines of a paragraph cut as one (forms-dev has such crops): a page of its own.
    expect(isOneLine([box(0, 6, 300, 32), box(4, 27, 117, 44), box(128, 20, 275, 44), box(0, 38, 186, 60)], 307, 76)).toBe(false)
  })
})
