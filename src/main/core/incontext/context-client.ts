import type { ContextDecision } from '../../../shared/api'
import type { ContextReading, LineInput, SavedEntry, UpdateResult } from './context'
import { startWorker } from '../workers'
import type { Request, UpdateReply, WorkerInit } from './worker'

/** What the host needs of a batch's context: synchronous reads of the latest readings, async updates. */
export interface ContextView {
  reading(lineId: number): ContextReading | null
  readonly decided: ContextDecision
}

export interface ContextClient extends ContextView {
  addLines(lines: LineInput[]): Promise<void>
  loadSavedPool(entries: SavedEntry[], trust: number): Promise<void>
  loadCorrections(corrections: Array<{ lineId: number; text: string }>): Promise<void>
  recomputeAll(options?: { recalibrate: boolean }): Promise<UpdateResult>
  correct(lineId: number, text: string | null): Promise<UpdateResult>
  savedEntries(): Promise<SavedEntry[]>
  close(): Promise<void>
}

/**
 * A batch's in-context state living in a worker thread (see worker.ts). Readings are mirrored here after
 * every update, so listing lines never waits on the worker.
 */
export async function createContextClient(init: WorkerInit): Promise<ContextClient> {
  const worker = startWorker('context-worker', new URL('./worker.ts', import.meta.url), init)
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let failure: Error | null = null
  const readings = new Map<number, ContextReading>()
  let decision: ContextDecision = { trust: 0, calibrationLines: 0, errorsByTrust: {}, poolEntries: 0, correctedLines: 0, unaligned: 0 }

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: any) => {
      if (m.ready) return resolve()
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(m.message))
    })
    const fail = (err: Error) => {
      failure = err
      reject(err)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the in-context worker stopped (exit code ${code})`)))
  })
  await ready

  function send<T>(request: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (failure) return Promise.reject(failure)
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker.postMessage({ id, request }, transfer)
    })
  }

  function apply(reply: UpdateReply): UpdateResult {
    for (const [id, reading] of reply.readings) {
      if (reading) readings.set(id, reading)
      else readings.delete(id)
    }
    decision = reply.decision
    return reply.result
  }

  return {
    reading: (id) => readings.get(id) ?? null,
    get decided() {
      return decision
    },
    addLines: (lines) => send({ op: 'addLines', args: [lines] }),
    loadSavedPool: (entries, trust) => send({ op: 'loadSavedPool', args: [entries, trust] }),
    loadCorrections: (corrections) => send({ op: 'loadCorrections', args: [corrections] }),
    recomputeAll: async (options = { recalibrate: true }) => apply(await send<UpdateReply>({ op: 'recomputeAll', args: [options] })),
    correct: async (lineId, text) => apply(await send<UpdateReply>({ op: 'correct', args: [lineId, text] })),
    savedEntries: () => send<SavedEntry[]>({ op: 'savedEntries', args: [] }),
    async close() {
      if (!failure) await send({ op: 'close', args: [] }).catch(() => undefined)
      await worker.terminate()
    },
  }
}
