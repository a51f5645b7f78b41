// PaddleOCR's DBPostProcess (ppocr/postprocess/db_postprocess.py, box_type 'quad', score_mode 'fast')
// and filter_tag_det_res (tools/infer/predict_det.py), step for step, so the boxes are the ones
// PaddleOCR would give for the same probability map.
import ClipperLib from 'clipper-lib'
import type { OpenCv } from './opencv'
import type { DetectSettings } from './settings'

export type Point = [number, number]

export interface DbBox {
  /** Four corners in destination pixels, clockwise from the one with the smallest x + y. */
  points: [Point, Point, Point, Point]
  /** Mean probability inside the box before unclipping. */
  score: number
}

/** A probability map as the model returns it: one float per pixel, row-major. */
export interface ProbabilityMap {
  data: Float32Array
  width: number
  height: number
}

/**
 * Text boxes from a DB probability map, scaled to a destination of `destWidth` × `destHeight` (the
 * image the map was computed for, before resizing) and filtered as PaddleOCR's detector does.
 */
export function dbBoxes(cv: OpenCv, map: ProbabilityMap, destWidth: number, destHeight: number, s: DetectSettings['db']): DbBox[] {
  const { width, height, data } = map
  const bitmap = new cv.Mat(height, width, cv.CV_8UC1)
  const pred = new cv.Mat(height, width, cv.CV_32FC1)
  const contours = new cv.MatVector()
  const hierarchy = new cv.Mat()
  const boxes: DbBox[] = []
  try {
    pred.data32F.set(data)
    const bits = bitmap.data as Uint8Array
    for (let i = 0; i < data.length; i++) bits[i] = data[i] > s.thresh ? 255 : 0
    cv.findContours(bitmap, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE)
    const count = Math.min(contours.size(), s.maxCandidates)
    for (let i = 0; i < count; i++) {
      const contour = contours.get(i)
      try {
        const mini = miniBox(cv, contour)
        if (mini.side < s.minSize) continue
        const score = boxScoreFast(cv, pred, mini.points)
        if (s.boxThresh > score) continue
        const expanded = unclip(mini.points, s.unclipRatio)
        if (!expanded) continue
        const grown = cv.matFromArray(expanded.length, 1, cv.CV_32SC2, expanded.flat())
        const box = miniBox(cv, grown)
        grown.delete()
        if (box.side < s.minSize + 2) continue
        const scaled = box.points.map(([x, y]): Point => [
          clamp(roundHalfEven((x / width) * destWidth), 0, destWidth),
          clamp(roundHalfEven((y / height) * destHeight), 0, destHeight),
        ])
        const kept = filterBox(scaled, destWidth, destHeight)
        if (kept) boxes.push({ points: kept, score })
      } finally {
        contour.delete()
      }
    }
  } finally {
    bitmap.delete()
    pred.delete()
    contours.delete()
    hierarchy.delete()
  }
  return boxes
}

/** get_mini_boxes: the minimum-area rectangle, corners ordered left-top, right-top, right-bottom, left-bottom. */
export function miniBox(cv: OpenCv, contour: unknown): { points: [Point, Point, Point, Point]; side: number } {
  const rect = cv.minAreaRect(contour)
  const corners: Point[] = cv.RotatedRect.points(rect).map((p: { x: number; y: number }): Point => [p.x, p.y])
  // Python's sorted() is stable; so is Array.prototype.sort.
  const p = corners.sort((a, b) => a[0] - b[0])
  const [i1, i4] = p[1][1] > p[0][1] ? [0, 1] : [1, 0]
  const [i2, i3] = p[3][1] > p[2][1] ? [2, 3] : [3, 2]
  return { points: [p[i1], p[i2], p[i3], p[i4]], side: Math.min(rect.size.width, rect.size.height) }
}

/** box_score_fast: the mean probability over the box's polygon, inside its bounding rectangle. */
function boxScoreFast(cv: OpenCv, pred: OpenCv, box: Point[]): number {
  const w = pred.cols
  const h = pred.rows
  const xs = box.map((p) => p[0])
  const ys = box.map((p) => p[1])
  const xmin = clamp(Math.floor(Math.min(...xs)), 0, w - 1)
  const xmax = clamp(Math.ceil(Math.max(...xs)), 0, w - 1)
  const ymin = clamp(Math.floor(Math.min(...ys)), 0, h - 1)
  const ymax = clamp(Math.ceil(Math.max(...ys)), 0, h - 1)
  const mask = cv.Mat.zeros(ymax - ymin + 1, xmax - xmin + 1, cv.CV_8UC1)
  // numpy's astype('int32') truncates toward zero.
  const poly = cv.matFromArray(4, 1, cv.CV_32SC2, box.flatMap(([x, y]) => [Math.trunc(x - xmin), Math.trunc(y - ymin)]))
  const polys = new cv.MatVector()
  const roi = pred.roi(new cv.Rect(xmin, ymin, xmax - xmin + 1, ymax - ymin + 1))
  try {
    polys.push_back(poly)
    cv.fillPoly(mask, polys, new cv.Scalar(1))
    return cv.mean(roi, mask)[0]
  } finally {
    mask.delete()
    poly.delete()
    polys.delete()
    roi.delete()
  }
}

/**
 * unclip: grow the box by area · ratio / perimeter with a round join (pyclipper, which truncates the
 * corners to integers). PaddleOCR skips a box whose offset is not a single polygon.
 */
export function unclip(box: Point[], ratio: number): Point[] | null {
  const distance = (polygonArea(box) * ratio) / polygonLength(box)
  const offset = new ClipperLib.ClipperOffset(2, 0.25)
  offset.AddPath(
    box.map(([x, y]) => ({ X: Math.trunc(x), Y: Math.trunc(y) })),
    ClipperLib.JoinType.jtRound,
    ClipperLib.EndType.etClosedPolygon,
  )
  const solution: Array<Array<{ X: number; Y: number }>> = []
  offset.Execute(solution, distance)
  if (solution.length !== 1) return null
  return solution[0].map((p): Point => [p.X, p.Y])
}

/** order_points_clockwise, clip_det_res and the ≤ 3 px size filter of PaddleOCR's filter_tag_det_res. */
function filterBox(points: Point[], width: number, height: number): [Point, Point, Point, Point] | null {
  const ordered = orderClockwise(points).map(([x, y]): Point => [Math.trunc(clamp(x, 0, width - 1)), Math.trunc(clamp(y, 0, height - 1))])
  const w = Math.trunc(dist(ordered[0], ordered[1]))
  const h = Math.trunc(dist(ordered[0], ordered[3]))
  if (w <= 3 || h <= 3) return null
  return ordered as [Point, Point, Point, Point]
}

/** PaddleOCR's order_points_clockwise: top-left has the smallest x + y, bottom-right the largest. */
export function orderClockwise(pts: Point[]): Point[] {
  const sums = pts.map((p) => p[0] + p[1])
  const tl = argmin(sums)
  const br = argmax(sums)
  const rest = pts.filter((_, i) => i !== tl && i !== br)
  // np.delete with equal indices would leave three points; only happens for degenerate boxes.
  if (rest.length !== 2) return [pts[0], pts[1], pts[2], pts[3]]
  const diffs = rest.map((p) => p[1] - p[0])
  return [pts[tl], rest[argmin(diffs)], pts[br], rest[argmax(diffs)]]
}

function argmin(xs: number[]): number {
  let best = 0
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[best]) best = i
  return best
}

function argmax(xs: number[]): number {
  let best = 0
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i
  return best
}

function polygonArea(pts: Point[]): number {
  let a = 0
  for (let i = 0; i < pts.length; i++) {
    const [x0, y0] = pts[i]
    const [x1, y1] = pts[(i + 1) % pts.length]
    a += x0 * y1 - x1 * y0
  }
  return Math.abs(a) / 2
}

function polygonLength(pts: Point[]): number {
  let l = 0
  for (let i = 0; i < pts.length; i++) l += dist(pts[i], pts[(i + 1) % pts.length])
  return l
}

export function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1])
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x))
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}
