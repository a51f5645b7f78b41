// A page and the same page turned by quarter turns. The detector reads in the frame where text is
// upright; quads go back to the caller's page coordinates, where the UI draws them.
import type { Point } from './db-postprocess'

/** Quarter turns clockwise from the page to a frame: 0, 1 (90°), 2 (180°), 3 (270°). */
export type Quarters = 0 | 1 | 2 | 3

export function frameSize(width: number, height: number, q: Quarters): { width: number; height: number } {
  return q % 2 === 0 ? { width, height } : { width: height, height: width }
}

/** A page point in the frame turned `q` quarters clockwise (continuous coordinates, pixel corners). */
export function toFrame([x, y]: Point, width: number, height: number, q: Quarters): Point {
  switch (q) {
    case 0:
      return [x, y]
    case 1:
      return [height - y, x]
    case 2:
      return [width - x, height - y]
    case 3:
      return [y, width - x]
  }
}

/** The inverse of toFrame: a frame point back on the page (`width` × `height` are the page's). */
export function toPage([u, v]: Point, width: number, height: number, q: Quarters): Point {
  switch (q) {
    case 0:
      return [u, v]
    case 1:
      return [v, height - u]
    case 2:
      return [width - u, height - v]
    case 3:
      return [width - v, u]
  }
}

/**
 * Clockwise degrees that turn a line upright, from its quad (text top-left first): the direction of its
 * top edge on the page, to the nearest quarter turn, undone.
 */
export function uprightRotation(quad: Point[]): 0 | 90 | 180 | 270 {
  const angle = (Math.atan2(quad[1][1] - quad[0][1], quad[1][0] - quad[0][0]) * 180) / Math.PI
  const quarters = ((Math.round(angle / 90) % 4) + 4) % 4
  return ([0, 270, 180, 90] as const)[quarters]
}
