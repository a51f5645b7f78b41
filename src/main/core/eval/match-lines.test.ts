import { describe, expect, it } from 'vitest'
import { detectionScores, matchLines, polygonIou, type Polygon } from './match-lines'

const rect = (x: number, y: number, w: number, h: number): Polygon => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
]

describe('line matching', () => {
  it('measures polygon IoU, rotated polygons included', () => {
    expect(polygonIou(rect(0, 0, 10, 10), rect(0, 0, 10, 10))).toBeCloseTo(1, 6)
    expect(polygonIou(rect(0, 0, 10, 10), rect(5, 0, 10, 10))).toBeCloseTo(50 / 150, 6)
    expect(polygonIou(rect(0, 0, 10, 10), rect(20, 0, 10, 10))).toBe(0)
    // A diamond inside a square: area 50 of 100.
    const diamond: Polygon = [
      [5, 0],
      [10, 5],
      [5, 10],
      [0, 5],
    ]
    expect(polygonIou(rect(0, 0, 10, 10), diamond)).toBeCloseTo(0.5, 6)
  })

  it('pairs each labelled line with at most one detection, best overlap first', () => {
    const truth = [rect(0, 0, 100, 20), rect(0, 30, 100, 20)]
    // Detection 0 overlaps truth 0 a little less than detection 1 does; detection 2 is a duplicate.
    const found = [rect(5, 0, 100, 20), rect(0, 0.5, 100, 20), rect(0, 30, 100, 20), rect(200, 0, 10, 10)]
    const pairs = matchLines(truth, found)
    expect(pairs.map((p) => [p.truth, p.found])).toEqual([
      [1, 2],
      [0, 1],
    ])
    expect(detectionScores(pairs.length, truth.length, found.length)).toEqual({ precision: 50, recall: 100, f1: 66.67 })
  })
})
