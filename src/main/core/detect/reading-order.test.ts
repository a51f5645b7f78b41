import { describe, expect, it } from 'vitest'
import type { Point } from './db-postprocess'
import { pageSkew, readingOrder } from './reading-order'
import { defaultDetectSettings } from './settings'

const settings = defaultDetectSettings.readingOrder

/** An upright quad for a box [x, y, w, h], optionally turned by `deg` about the origin. */
function quad(x: number, y: number, w: number, h: number, deg = 0): Point[] {
  const a = (deg * Math.PI) / 180
  const turn = ([px, py]: Point): Point => [px * Math.cos(a) - py * Math.sin(a), px * Math.sin(a) + py * Math.cos(a)]
  return ([
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ] as Point[]).map(turn)
}

describe('reading order', () => {
  it('reads rows top to bottom and keeps lines on one baseline together, left to right', () => {
    const quads = [quad(400, 100, 80, 20), quad(50, 60, 200, 20), quad(50, 101, 150, 20), quad(50, 140, 300, 20)]
    expect(readingOrder(quads, settings)).toEqual([1, 2, 0, 3])
  })

  it('reads two text columns column by column, under a title across both', () => {
    const quads: Point[][] = [quad(200, 20, 400, 24)]
    for (let r = 0; r < 5; r++) quads.push(quad(40, 80 + r * 30, 320, 20)) // left column: 1..5
    for (let r = 0; r < 5; r++) quads.push(quad(440, 80 + r * 30, 330, 20)) // right column: 6..10
    quads.push(quad(40, 260, 730, 20)) // a footer across both
    const shuffled = [10, 3, 0, 7, 1, 11, 5, 9, 2, 6, 4, 8]
    const order = readingOrder(
      shuffled.map((i) => quads[i]),
      settings,
    ).map((k) => shuffled[k])
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it("reads a receipt's items and prices row by row: short values are not a column", () => {
    const quads: Point[][] = []
    for (let r = 0; r < 6; r++) {
      quads.push(quad(40, 50 + r * 30, 220, 20))
      quads.push(quad(600, 50 + r * 30, 70, 20))
    }
    expect(readingOrder(quads, settings)).toEqual(quads.map((_, i) => i))
  })

  it('undoes a page skew before grouping rows', () => {
    // Two rows of an item and its price, turned 3°: each price sits lower than the next row's item.
    const quads = [quad(0, 0, 500, 20, 3), quad(1000, 0, 80, 20, 3), quad(0, 40, 500, 20, 3), quad(1000, 40, 80, 20, 3)]
    expect(quads[1][0][1]).toBeGreaterThan(quads[2][0][1])
    expect(pageSkew(quads)).toBeCloseTo((3 * Math.PI) / 180, 5)
    expect(readingOrder(quads, settings)).toEqual([0, 1, 2, 3])
  })
})
