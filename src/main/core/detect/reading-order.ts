// Reading order for lines already turned upright (see detector.ts for how the page is turned).
//
// The rule: (1) undo the page's skew, measured as the weighted median direction of the lines' top
// edges, so "same height on the page" means the same thing at the left and right margins; (2) group
// lines whose vertical extents overlap by at least half the smaller height into rows (lines on one
// baseline stay together); (3) read rows top to bottom, each left to right, EXCEPT where consecutive
// rows share a vertical strip of whitespace (a gutter) at least `minGutter` line heights wide with text on
// both sides: such a run of rows is a multi-column section, read column by column, each column ordered
// by the same rule (so columns may nest). A gutter only counts when every column it makes holds at least
// `minColumnLines` lines whose median length is `minColumnWidth` line heights: that is what separates
// columns of running text from a receipt's items and prices, which are read row by row.
import type { Point } from './db-postprocess'
import type { DetectSettings } from './settings'

interface Box {
  index: number
  left: number
  right: number
  top: number
  bottom: number
}

type Interval = [number, number]

/** Indices of `quads` (upright frame, text top-left first) in reading order. */
export function readingOrder(quads: Point[][], settings: DetectSettings['readingOrder']): number[] {
  const skew = pageSkew(quads)
  const cos = Math.cos(skew)
  const sin = Math.sin(skew)
  const boxes = quads.map((quad, index): Box => {
    const xs = quad.map(([x, y]) => x * cos + y * sin)
    const ys = quad.map(([x, y]) => -x * sin + y * cos)
    return { index, left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) }
  })
  return order(boxes, settings).map((b) => b.index)
}

/**
 * The page's skew in radians: the width-weighted median angle of the lines' top edges, folded into
 * (−90°, 90°] so a line read upside down counts the same. Only lines clearly wider than tall vote.
 */
export function pageSkew(quads: Point[][]): number {
  const votes: Array<{ angle: number; weight: number }> = []
  for (const q of quads) {
    const dx = q[1][0] - q[0][0]
    const dy = q[1][1] - q[0][1]
    const width = Math.hypot(dx, dy)
    const height = Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1])
    if (width < 2 * height) continue
    let angle = Math.atan2(dy, dx)
    if (angle > Math.PI / 2) angle -= Math.PI
    if (angle <= -Math.PI / 2) angle += Math.PI
    votes.push({ angle, weight: width })
  }
  if (!votes.length) return 0
  votes.sort((a, b) => a.angle - b.angle)
  const half = votes.reduce((s, v) => s + v.weight, 0) / 2
  let acc = 0
  for (const v of votes) {
    acc += v.weight
    if (acc >= half) return v.angle
  }
  return 0
}

function order(boxes: Box[], s: DetectSettings['readingOrder']): Box[] {
  if (boxes.length <= 1) return boxes
  const lineHeight = median(boxes.map((b) => b.bottom - b.top))
  const rows = groupRows(boxes, s.rowOverlap)
  const extent: Interval = [Math.min(...boxes.map((b) => b.left)), Math.max(...boxes.map((b) => b.right))]
  const minGap = s.minGutter * lineHeight
  const out: Box[] = []
  for (let i = 0; i < rows.length; ) {
    let gaps = freeSpace(rows[i], extent).filter(([a, b]) => b - a >= minGap)
    let j = i + 1
    while (j < rows.length && gaps.length) {
      const next = intersect(gaps, freeSpace(rows[j], extent)).filter(([a, b]) => b - a >= minGap)
      if (!next.length) break
      gaps = next
      j++
    }
    const columns = j - i >= 2 ? splitColumns(rows.slice(i, j).flat(), gaps, lineHeight, s) : null
    if (columns) {
      for (const column of columns) out.push(...order(column, s))
      i = j
    } else {
      out.push(...rows[i])
      i++
    }
  }
  return out
}

/** Rows top to bottom, each sorted left to right. */
function groupRows(boxes: Box[], overlap: number): Box[][] {
  const sorted = [...boxes].sort((a, b) => a.top + a.bottom - (b.top + b.bottom) || a.left - b.left)
  const rows: Array<{ top: number; bottom: number; boxes: Box[] }> = []
  for (const box of sorted) {
    const row = rows[rows.length - 1]
    if (row) {
      const shared = Math.min(row.bottom, box.bottom) - Math.max(row.top, box.top)
      const smaller = Math.min(row.bottom - row.top, box.bottom - box.top)
      if (shared >= overlap * smaller) {
        row.boxes.push(box)
        row.top = Math.min(row.top, box.top)
        row.bottom = Math.max(row.bottom, box.bottom)
        continue
      }
    }
    rows.push({ top: box.top, bottom: box.bottom, boxes: [box] })
  }
  return rows.map((r) => r.boxes.sort((a, b) => a.left - b.left))
}

/** The parts of `extent` no box of the row covers. */
function freeSpace(row: Box[], [lo, hi]: Interval): Interval[] {
  const out: Interval[] = []
  let x = lo
  for (const b of [...row].sort((p, q) => p.left - q.left)) {
    if (b.left > x) out.push([x, b.left])
    x = Math.max(x, b.right)
  }
  if (hi > x) out.push([x, hi])
  return out
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = []
  for (const [a0, a1] of a) {
    for (const [b0, b1] of b) {
      const lo = Math.max(a0, b0)
      const hi = Math.min(a1, b1)
      if (hi > lo) out.push([lo, hi])
    }
  }
  return out
}

/**
 * The section's lines split at its gutters, left to right, or null when they do not make columns of
 * text: every gutter must have lines on both sides and every column must pass the size rule. With several
 * gutters the widest alone is tried when all of them together fail.
 */
function splitColumns(boxes: Box[], gaps: Interval[], lineHeight: number, s: DetectSettings['readingOrder']): Box[][] | null {
  const interior = gaps.filter(([a, b]) => boxes.some((x) => x.right <= a) && boxes.some((x) => x.left >= b))
  if (!interior.length) return null
  const widest = [...interior].sort((p, q) => q[1] - q[0] - (p[1] - p[0]))[0]
  for (const cuts of [interior, [widest]]) {
    const sorted = [...cuts].sort((p, q) => p[0] - q[0])
    const columns: Box[][] = sorted.map(() => [])
    columns.push([])
    for (const box of boxes) {
      const centre = (box.left + box.right) / 2
      columns[sorted.filter(([a]) => centre > a).length].push(box)
    }
    const ok = columns.every(
      (c) => c.length >= s.minColumnLines && median(c.map((b) => b.right - b.left)) >= s.minColumnWidth * lineHeight,
    )
    if (ok) return columns
  }
  return null
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
