import type { CorrectionEffect } from '../../../shared/api'

/** One point of the learning curve: a tenth of the session's corrections. */
export interface EffortPoint {
  /** Corrections in this tenth (with an effort: undos have none). */
  count: number
  /** Mean characters the reviewer changed per line, in what context showed and in the model's reading. */
  shown: number
  model: number
}

/**
 * The session's learning curve, by tenths of its corrections: what the reviewer had to type per line,
 * as shown and as the model alone would have had it. The gap between the two is what context saved; when
 * the shown curve stops falling, more corrections stop paying. (The rest of the batch has no ground
 * truth; each correction is the one honest measure of what context does to a line it has not seen.)
 */
export function effortCurve(history: CorrectionEffect[], parts = 10): EffortPoint[] {
  const measured = history.filter((h) => h.effort)
  if (!measured.length) return []
  const size = Math.max(1, Math.ceil(measured.length / parts))
  const points: EffortPoint[] = []
  for (let i = 0; i < measured.length; i += size) {
    const slice = measured.slice(i, i + size)
    const mean = (pick: (e: { shown: number; model: number }) => number) => slice.reduce((a, h) => a + pick(h.effort!), 0) / slice.length
    points.push({ count: slice.length, shown: mean((e) => e.shown), model: mean((e) => e.model) })
  }
  return points
}
