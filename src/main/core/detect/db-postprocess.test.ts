import { beforeAll, describe, expect, it } from 'vitest'
import { dbBoxes, type ProbabilityMap } from './db-postprocess'
import { loadOpenCv, type OpenCv } from './opencv'
import { defaultDetectSettings } from './settings'

let cv: OpenCv
beforeAll(async () => {
  ;({ cv } = await loadOpenCv())
})

/** A blank map with filled axis-aligned rectangles [x, y, w, h] at the given probabilities. */
function map(width: number, height: number, rects: Array<[number, number, number, number, number]>): ProbabilityMap {
  const data = new Float32Array(width * height).fill(0.01)
  for (const [x, y, w, h, p] of rects) {
    for (let r = y; r < y + h; r++) data.fill(p, r * width + x, r * width + x + w)
  }
  return { data, width, height }
}

describe('DB post-processing', () => {
  it('finds confident kernels, grows them by the unclip distance and scales them to the page', () => {
    // A 60 × 10 kernel: unclip grows it by 60·10·1.5 / 140 ≈ 6.4 px on every side.
    const boxes = dbBoxes(cv, map(200, 100, [[20, 30, 60, 10, 0.9]]), 400, 200, defaultDetectSettings.db)
    expect(boxes).toHaveLength(1)
    const [tl, tr, br, bl] = boxes[0].points
    expect(boxes[0].score).toBeCloseTo(0.9, 2)
    // Corners of the grown box (x 13.6…86.4, y 23.6…46.4 in map pixels), doubled for the page.
    for (const [got, want] of [
      [tl, [27, 47]],
      [tr, [173, 47]],
      [br, [173, 93]],
      [bl, [27, 93]],
    ] as const) {
      expect(Math.abs(got[0] - want[0])).toBeLessThanOrEqual(3)
      expect(Math.abs(got[1] - want[1])).toBeLessThanOrEqual(3)
    }
  })

  it('drops kernels under the box threshold and specks under the minimum size', () => {
    const boxes = dbBoxes(
      cv,
      map(200, 100, [
        [10, 10, 80, 12, 0.5], // above thresh (0.3) but its mean is under box_thresh (0.6)
        [150, 80, 2, 2, 0.95], // a speck: short side under min_size (3)
        [100, 40, 70, 14, 0.8],
      ]),
      200,
      100,
      defaultDetectSettings.db,
    )
    expect(boxes).toHaveLength(1)
    expect(boxes[0].points[0][0]).toBeGreaterThan(90)
    expect(boxes[0].points[0][0]).toBeLessThan(100)
  })

  it('returns nothing for an empty map', () => {
    expect(dbBoxes(cv, map(64, 64, []), 64, 64, defaultDetectSettings.db)).toEqual([])
  })
})
