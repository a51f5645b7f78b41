// Detection scoring as in ICDAR-style evaluations: polygon IoU, and a one-to-one greedy matching that
// pairs the highest-IoU couples first, so one detection never counts for two labelled lines.
import ClipperLib from 'clipper-lib'

export type Polygon = Array<[number, number]>

// Clipper works on integers: a hundredth of a pixel is plenty for IoU.
const SCALE = 100

const toPath = (p: Polygon) => p.map(([x, y]) => ({ X: Math.round(x * SCALE), Y: Math.round(y * SCALE) }))
const area = (paths: Array<Array<{ X: number; Y: number }>>) => paths.reduce((s, p) => s + Math.abs(ClipperLib.Clipper.Area(p)), 0) / (SCALE * SCALE)

/** Intersection over union of two simple polygons (0 when either has no area). */
export function polygonIou(a: Polygon, b: Polygon): number {
  const pa = toPath(a)
  const pb = toPath(b)
  const areaA = area([pa])
  const areaB = area([pb])
  if (areaA <= 0 || areaB <= 0) return 0
  const clipper = new ClipperLib.Clipper()
  clipper.AddPath(pa, ClipperLib.PolyType.ptSubject, true)
  clipper.AddPath(pb, ClipperLib.PolyType.ptClip, true)
  const solution: Array<Array<{ X: number; Y: number }>> = []
  clipper.Execute(ClipperLib.ClipType.ctIntersection, solution, ClipperLib.PolyFillType.pftNonZero, ClipperLib.PolyFillType.pftNonZero)
  const inter = area(solution)
  return inter / (areaA + areaB - inter)
}

/** Pairs (truth index, detection index) with IoU ≥ `minIou`, each side used at most once. */
export function matchLines(truth: Polygon[], found: Polygon[], minIou = 0.5): Array<{ truth: number; found: number; iou: number }> {
  const candidates: Array<{ truth: number; found: number; iou: number }> = []
  truth.forEach((t, i) => {
    const [tx0, ty0, tx1, ty1] = bounds(t)
    found.forEach((f, j) => {
      const [fx0, fy0, fx1, fy1] = bounds(f)
      if (fx0 >= tx1 || tx0 >= fx1 || fy0 >= ty1 || ty0 >= fy1) return
      const iou = polygonIou(t, f)
      if (iou >= minIou) candidates.push({ truth: i, found: j, iou })
    })
  })
  candidates.sort((a, b) => b.iou - a.iou || a.truth - b.truth || a.found - b.found)
  const usedT = new Set<number>()
  const usedF = new Set<number>()
  const out: typeof candidates = []
  for (const c of candidates) {
    if (usedT.has(c.truth) || usedF.has(c.found)) continue
    usedT.add(c.truth)
    usedF.add(c.found)
    out.push(c)
  }
  return out
}

function bounds(p: Polygon): [number, number, number, number] {
  const xs = p.map((q) => q[0])
  const ys = p.map((q) => q[1])
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

/** Precision, recall and F1 in %, from counts. */
export function detectionScores(matched: number, truth: number, found: number): { precision: number; recall: number; f1: number } {
  const precision = found ? matched / found : 0
  const recall = truth ? matched / truth : 0
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  const pct = (x: number) => Math.round(x * 10000) / 100
  return { precision: pct(precision), recall: pct(recall), f1: pct(f1) }
}
