import { describe, expect, it } from 'vitest'
import type { Point } from './db-postprocess'
import { frameSize, toFrame, toPage, uprightRotation, type Quarters } from './frames'

describe('page frames', () => {
  it('maps page points into a turned frame and back', () => {
    const [W, H] = [300, 200]
    for (const q of [0, 1, 2, 3] as Quarters[]) {
      for (const p of [[0, 0], [300, 0], [12, 150], [300, 200]] as Point[]) {
        const f = toFrame(p, W, H, q)
        const size = frameSize(W, H, q)
        expect(f[0]).toBeGreaterThanOrEqual(0)
        expect(f[0]).toBeLessThanOrEqual(size.width)
        expect(f[1]).toBeLessThanOrEqual(size.height)
        expect(toPage(f, W, H, q)).toEqual(p)
      }
    }
    // Turned 90° clockwise, the page's top-left corner lands at the frame's top-right.
    expect(toFrame([0, 0], W, H, 1)).toEqual([200, 0])
  })

  it('says how far a line must turn clockwise to stand upright, from its top edge', () => {
    const right: Point[] = [[0, 0], [100, 2], [100, 22], [0, 20]]
    const down: Point[] = [[20, 0], [20, 100], [0, 100], [0, 0]]
    const left: Point[] = [[100, 20], [0, 20], [0, 0], [100, 0]]
    const up: Point[] = [[0, 100], [0, 0], [20, 0], [20, 100]]
    expect([right, down, left, up].map(uprightRotation)).toEqual([0, 270, 180, 90])
  })
})
