// The in-context worker: one batch's BatchContext, off the engine's main thread. Its neighbour searches
// (ONNX Runtime) and re-decoding never hold up the IPC, bridge or UI work of the host process.
import { parentPort, workerData } from 'node:worker_threads'
import { parseAlphabet } from '../recognize/alphabet'
import { batchReader, featureReader } from './batch-lines'
import { BatchContext, type ContextReading, type UpdateResult } from './context'
import type { ContextSettings } from './settings'
import { listsPath, readLists, writeLists } from './saved-lists'
import { packReadings, type PackedReadings } from './packed-readings'
import { createSimilaritySearch } from './similarity'
import { serve, type CallContext } from '../worker-serve'
import { runInBackground } from '../thread-priority'

export interface WorkerInit {
  alphabetText: string
  spaceAtEnd: boolean
  dim: number
  settings?: Partial<ContextSettings>
  /** The library file the batch's cached readings are read from (read-only). */
  library: { path: string; nativeBinding?: string }
}

/** The calls of the context worker; each runs after the one before it has finished. */
export type ContextWorker = {
  init: WorkerInit
  ready: true
  calls: {
    /** Reads the batch's cached readings from the library; answers the line count. */
    loadBatch: { input: [batchId: number]; output: number }
    /** Lines of the batch read since (by id): taken in and read in context at once. */
    readLines: { input: [ids: number[]]; output: UpdateReply }
    loadSavedPool: { input: Parameters<BatchContext['loadSavedPool']>; output: void }
    loadCorrections: { input: Parameters<BatchContext['loadCorrections']>; output: void }
    restoreDecision: { input: Parameters<BatchContext['restoreDecision']>; output: void }
    recomputeAll: { input: [options: { recalibrate: boolean; useSaved?: boolean }]; output: UpdateReply }
    correct: { input: [lineId: number, text: string | null]; output: UpdateReply }
    settle: { input: []; output: UpdateReply }
    savedPool: { input: []; output: ReturnType<BatchContext['savedPool']> }
    close: { input: []; output: null }
  }
}

/**
 * After an update: the readings that changed (not present: back to the model's), packed (packed-readings.ts),
 * and the batch's decision. After a full recompute (`all`), only the lines context changes are listed:
 * every other line shows the model's reading, and a 50,000-line batch would otherwise send 50,000 nulls.
 */
export interface UpdateReply {
  result: UpdateResult
  all: boolean
  readings: PackedReadings
  decision: BatchContext['decided']
}

// Before anything here starts threads (ONNX Runtime's): they take this priority (thread-priority.ts).
runInBackground()
const init = workerData as WorkerInit
const port = parentPort!
const similarity = await createSimilaritySearch(init.dim)
const stored = featureReader(init.library)
const library = batchReader(init.library)
const ctx = new BatchContext(
  { similarity, alphabet: parseAlphabet(init.alphabetText, { spaceAtEnd: init.spaceAtEnd }), dim: init.dim, features: stored.read },
  init.settings,
)
const lineIds = new Set<number>()
let batchId: number | null = null

/** The reply to an update; its packed readings move to the host rather than being copied. */
function reply(result: UpdateResult, ids: number[], call: CallContext, all = false): UpdateReply {
  const readings = ids.map((id): [number, ContextReading | null] => [id, ctx.reading(id)])
  const { packed, transfer } = packReadings(all ? readings.filter(([, r]) => r) : readings)
  call.transfer(transfer)
  return { result, all, readings: packed, decision: ctx.decided }
}

serve<ContextWorker>(
  port,
  true,
  {
    loadBatch(id) {
      batchId = id
      // The batch's scripts as they are now: a change of scripts starts a new context (review.ts reset).
      ctx.useScripts(library.scripts(id))
      for (const chunk of library.lines(id)) {
        ctx.addLines(chunk)
        for (const line of chunk) lineIds.add(line.id)
      }
      ctx.linesLoaded()
      return lineIds.size
    },
    async readLines(ids, call) {
      const inputs = library.byIds(ids)
      const result = await ctx.readLines(inputs)
      for (const line of inputs) lineIds.add(line.id)
      return reply(result, result.changed, call)
    },
    loadSavedPool: (pool) => ctx.loadSavedPool(pool),
    loadCorrections: (corrections) => ctx.loadCorrections(corrections),
    restoreDecision: (decision) => ctx.restoreDecision(decision),
    async recomputeAll({ recalibrate, useSaved }, call) {
      const lists = useSaved && batchId !== null ? readLists(listsPath(init.library.path, batchId)) : null
      return reply(await ctx.recomputeAll({ recalibrate, lists: lists ?? undefined }), [...lineIds], call, true)
    },
    async correct(lineId, text, call) {
      const result = await ctx.correct(lineId, text)
      return reply(result, [lineId, ...result.changed], call)
    },
    async settle(call) {
      const result = await ctx.settle()
      return reply(result, result.changed, call)
    },
    savedPool: () => ctx.savedPool(),
    async close() {
      // The lists as they stand, for the next time the batch is opened (a cache: a failure loses nothing).
      if (batchId !== null && lineIds.size) {
        try {
          writeLists(listsPath(init.library.path, batchId), await ctx.savedLists())
        } catch (err) {
          console.error(`could not save the neighbour lists of batch ${batchId}:`, err)
        }
      }
      stored.close()
      library.close()
      await similarity.release()
      return null
    },
  },
  // One at a time, in order: the context's state is never touched concurrently. A failure crosses as its
  // message (as it always has: a SQLite code from here would change how the host words it).
  { serial: true, messageOnly: true },
)
