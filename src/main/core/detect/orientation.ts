// How a whole page lies. DB finds text in any direction, but lines on a page turned ±90° come out tall:
// if most of the text (by length) is in tall boxes, the page lies on its side and is read again turned
// 90°. Whether it is then upright or upside down is the classifier's call, by a length-weighted vote over
// all its lines: one line's 0/180 guess is noisy, a page's worth of them is not.
import { dist, type DbBox } from './db-postprocess'

/** Crop size of a clockwise box (PaddleOCR's get_rotate_crop_image): width along its first edge. */
export function boxSize(points: DbBox['points']): { width: number; height: number } {
  return {
    width: Math.trunc(Math.max(dist(points[0], points[1]), dist(points[2], points[3]))),
    height: Math.trunc(Math.max(dist(points[0], points[3]), dist(points[1], points[2]))),
  }
}

/** True when more text length lies in tall boxes than in wide ones (near-square boxes do not vote). */
export function liesOnSide(boxes: DbBox[], tallRatio: number): boolean {
  let tall = 0
  let wide = 0
  for (const box of boxes) {
    const { width, height } = boxSize(box.points)
    if (height >= tallRatio * width) tall += height
    else if (width >= tallRatio * height) wide += width
  }
  return tall > wide
}

/** True when the classifier, weighted by line length, finds more text upside down than upright. */
export function upsideDown(upside: number[], lengths: number[]): boolean {
  let down = 0
  let up = 0
  upside.forEach((p, i) => {
    if (p > 0.5) down += lengths[i]
    else up += lengths[i]
  })
  return down > up
}
