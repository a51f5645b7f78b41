// What each correction of this engine session did to its batch: the review screen's learning chart.
// Kept in memory (the corrections themselves are in the library; this is the session's story of them).
import type { ContextDecision, CorrectionEffect, ReviewStats, ReviewUpdate } from '../../../shared/api'
import type { LineIndex } from './listing'

/** Points kept per batch: a long day of review, drawn as one chart. */
const KEPT = 500

export interface SessionLog {
  record(update: ReviewUpdate, kind: CorrectionEffect['kind']): Promise<ReviewUpdate>
  /** The calibration after a correction is done: its point takes the trust it decided and what it changed. */
  settled(lineId: number, decision: ContextDecision, changed: number): Promise<void>
  stats(batchId: number, decision: ReviewStats['decision'], contextLoading: boolean): Promise<ReviewStats>
}

/** What a point of the chart takes from the batch's totals after its correction. */
const after = (t: { unreviewedConfidence: number; probablyWrong: number }) => ({
  unreviewedConfidence: t.unreviewedConfidence,
  probablyWrong: Math.round(t.probablyWrong * 10) / 10,
})

export function createSessionLog(deps: { index: LineIndex; batchOf: (lineId: number) => number }): SessionLog {
  const history = new Map<number, CorrectionEffect[]>()
  return {
    async record(update, kind) {
      const batchId = deps.batchOf(update.lineId)
      let list = history.get(batchId)
      if (!list) history.set(batchId, (list = []))
      // In the list at once, so that the calibration's `settled` finds it.
      const point: CorrectionEffect = {
        at: new Date().toISOString(),
        lineId: update.lineId,
        kind,
        changed: update.changed.length,
        updateMs: Math.round(update.updateMs * 10) / 10,
        trust: update.decision.trust,
        unreviewedConfidence: 0,
        probablyWrong: 0,
        effort: update.effort,
      }
      list.push(point)
      if (list.length > KEPT) list.splice(0, list.length - KEPT)
      Object.assign(point, after(await deps.index.totals(batchId)))
      return update
    },
    async settled(lineId, decision, changed) {
      const batchId = deps.batchOf(lineId)
      const point = history.get(batchId)?.findLast((p) => p.lineId === lineId)
      if (!point) return
      point.trust = decision.trust
      point.changed += changed
      // The self-check may have been fitted again too: the estimate is taken again whatever changed.
      Object.assign(point, after(await deps.index.totals(batchId)))
    },
    async stats(batchId, decision, contextLoading) {
      const totals = await deps.index.totals(batchId)
      const list = history.get(batchId) ?? []
      return {
        ...totals,
        lastChanged: list.length ? list[list.length - 1].changed : 0,
        decision,
        contextLoading,
        pool: { scope: 'batch', entries: decision?.poolEntries ?? 0 },
        history: list.slice(),
      }
    },
  }
}
