import { noContextDecision, type ContextDecision } from '../../../shared/api'
import type { ContextReading, SavedPool, UpdateResult } from './context'
import { connectWorker } from '../workers'
import { unpackReading, type PackedReadings } from './packed-readings'
import type { ContextWorker, UpdateReply, WorkerInit } from './worker'

/** What the host needs of a batch's context: synchronous reads of the latest readings, async updates. */
export interface ContextView {
  reading(lineId: number): ContextReading | null
  readonly decided: ContextDecision
}

export interface ContextClient extends ContextView {
  /** Reads the batch's cached readings from the library into the worker; resolves to the line count. */
  loadBatch(batchId: number): Promise<number>
  /** Lines of the batch read since it was loaded: read in context as they come (BatchContext.readLines). */
  readLines(ids: number[]): Promise<UpdateResult>
  loadSavedPool(pool: SavedPool): Promise<void>
  loadCorrections(corrections: Array<{ lineId: number; text: string }>): Promise<void>
  /** The decision the batch had when it was last open (see BatchContext.restoreDecision). */
  restoreDecision(decision: ContextDecision): Promise<void>
  /** `useSaved`: the neighbour lists saved when the batch was last closed stand in for the search when they still match. */
  recomputeAll(options?: { recalibrate: boolean; useSaved?: boolean }): Promise<UpdateResult>
  /**
   * Applies a correction; resolves once the lines it reaches are read again. The calibration due after it
   * is then queued in the worker: `settled` resolves with what that changed (readings here are updated
   * before it resolves), and the next request waits for it there.
   */
  correct(lineId: number, text: string | null): Promise<{ update: UpdateResult; settled: Promise<UpdateResult> }>
  savedPool(): Promise<Omit<SavedPool, 'trust' | 'lexiconBias'>>
  close(): Promise<void>
}

/**
 * A batch's in-context state living in a worker thread (see worker.ts). Readings are mirrored here after
 * every update, so listing lines never waits on the worker.
 */
export async function createContextClient(init: WorkerInit): Promise<ContextClient> {
  const worker = await connectWorker<ContextWorker>('context-worker', new URL('./worker.ts', import.meta.url), init, 'in-context')
  // A line's reading, or where it lies in the pack it came in: made into a reading when first asked for
  // (in the listing's slices), not all at once when a reply of 30,000 lines arrives.
  const readings = new Map<number, ContextReading | Slot>()
  let decision: ContextDecision = noContextDecision

  function apply(reply: UpdateReply): UpdateResult {
    if (reply.all) readings.clear()
    const p = reply.readings
    for (let i = 0; i < p.ids.length; i++) {
      if (p.present[i]) readings.set(p.ids[i], new Slot(p, i))
      else readings.delete(p.ids[i])
    }
    decision = reply.decision
    return reply.result
  }

  return {
    reading(id) {
      const kept = readings.get(id)
      if (!(kept instanceof Slot)) return kept ?? null
      const reading = unpackReading(kept.pack, kept.at)!
      readings.set(id, reading)
      return reading
    },
    get decided() {
      return decision
    },
    loadBatch: (batchId) => worker.call('loadBatch', batchId),
    readLines: async (ids) => apply(await worker.call('readLines', ids)),
    loadSavedPool: (pool) => worker.call('loadSavedPool', pool),
    loadCorrections: (corrections) => worker.call('loadCorrections', corrections),
    restoreDecision: (decided) => worker.call('restoreDecision', decided),
    recomputeAll: async (options = { recalibrate: true }) => apply(await worker.call('recomputeAll', options)),
    async correct(lineId, text) {
      const update = apply(await worker.call('correct', lineId, text))
      // Asked for only once the update is applied here: sent with the correction, the calibration ran in
      // the worker while this thread was still taking the update in, and on 2 cores the two competed
      // (sroie-dev at 10 %: update p95 157 ms, against 129-143 ms for the same work in one thread).
      const settled = worker.call('settle').then(apply)
      settled.catch(() => undefined)
      return { update, settled }
    },
    savedPool: () => worker.call('savedPool'),
    async close() {
      await worker.call('close').catch(() => undefined)
      await worker.close()
    },
  }
}

/** A reading not yet taken out of its pack. */
class Slot {
  constructor(
    readonly pack: PackedReadings,
    readonly at: number,
  ) {}
}
