// What each correction of this engine session did to its batch: the review screen's learning chart.
// Kept in memory (the corrections themselves are in the library; this is the session's story of them).
import type { CorrectionEffect, ReviewStats, ReviewUpdate } from '../../../shared/api'
import type { LineIndex } from './listing'

/** Points kept per batch: a long day of review, drawn as one chart. */
const KEPT = 500

export interface SessionLog {
  record(update: ReviewUpdate, kind: CorrectionEffect['kind']): Promise<ReviewUpdate>
  stats(batchId: number, decision: ReviewStats['decision'], contextLoading: boolean): Promise<ReviewStats>
}

export function createSessionLog(deps: { index: LineIndex; batchOf: (lineId: number) => number }): SessionLog {
  const history = new Map<number, CorrectionEffect[]>()
  return {
    async record(update, kind) {
      const batchId = deps.batchOf(update.lineId)
      const { unreviewedConfidence } = await deps.index.totals(batchId)
      let list = history.get(batchId)
      if (!list) history.set(batchId, (list = []))
      list.push({
        at: new Date().toISOString(),
        lineId: update.lineId,
        kind,
        changed: update.changed.length,
        updateMs: Math.round(update.updateMs * 10) / 10,
        trust: update.decision.trust,
        unreviewedConfidence,
      })
      if (list.length > KEPT) list.splice(0, list.length - KEPT)
      return update
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
