import { describe, expect, it } from 'vitest'
import type { Quad, RasterPage } from '../pages/types'
import { paperMargin } from './crop'

/** White paper with black rectangles [x0, y0, x1, y1) on it. */
function paper(width: number, height: number, inks: Array<[number, number, number, number]>): RasterPage {
  const data = Buffer.alloc(width * height * 3, 255)
  for (const [x0, y0, x1, y1] of inks) for (let y = y0; y < y1; y++) data.fill(0, (y * width + x0) * 3, (y * width + x1) * 3)
  return { width, height, channels: 3, data }
}

const box: Quad = [
  [50, 40],
  [150, 40],
  [150, 60],
  [50, 60],
]
// Text inside the box: a few dark strokes.
const text: Array<[number, number, number, number]> = [
  [55, 44, 60, 56],
  [80, 44, 90, 56],
  [120, 44, 140, 56],
]

describe('the paper around a detected line', () => {
  it('grows the box by the margin on every side where the paper is blank', () => {
    expect(paperMargin(paper(200, 100, text), box, 0.2)).toEqual([
      [46, 36],
      [154, 36],
      [154, 64],
      [46, 64],
    ])
    expect(paperMargin(paper(200, 100, text), box, 0)).toBe(box)
  })

  it('leaves a side as it is where the strip holds ink: a ruled line below, a neighbour on the right', () => {
    const ruled = paper(200, 100, [...text, [0, 62, 200, 63], [152, 40, 170, 60]])
    expect(paperMargin(ruled, box, 0.2)).toEqual([
      [46, 36],
      [150, 36],
      [150, 60],
      [46, 60],
    ])
  })

  it('grows along the quad’s own axes whichever corner it starts at, and stays on the page', () => {
    const turned: Quad = [box[2], box[3], box[0], box[1]]
    expect(paperMargin(paper(200, 100, text), turned, 0.2)).toEqual([
      [154, 64],
      [46, 64],
      [46, 36],
      [154, 36],
    ])
    const corner: Quad = [
      [1, 1],
      [101, 1],
      [101, 21],
      [1, 21],
    ]
    expect(paperMargin(paper(200, 100, []), corner, 0.2)).toEqual([
      [0, 0],
      [105, 0],
      [105, 25],
      [0, 25],
    ])
  })
})
