// The in-context worker: one batch's BatchContext, off the engine's main thread. Its neighbour searches
// (ONNX Runtime) and re-decoding never hold up the IPC, bridge or UI work of the host process.
import { parentPort, workerData } from 'node:worker_threads'
import { parseAlphabet } from '../recognize/alphabet'
import { batchLines, featureReader } from './batch-lines'
import { BatchContext, type ContextReading, type UpdateResult } from './context'
import type { ContextSettings } from './settings'
import { listsPath, readLists, writeLists } from './saved-lists'
import { createSimilaritySearch } from './similarity'

export interface WorkerInit {
  alphabetText: string
  spaceAtEnd: boolean
  dim: number
  settings?: Partial<ContextSettings>
  /** The library file the batch's cached readings are read from (read-only). */
  library: { path: string; nativeBinding?: string }
}

export type Request =
  | { op: 'loadBatch'; args: [batchId: number] }
  | { op: 'loadSavedPool'; args: Parameters<BatchContext['loadSavedPool']> }
  | { op: 'loadCorrections'; args: Parameters<BatchContext['loadCorrections']> }
  | { op: 'restoreDecision'; args: Parameters<BatchContext['restoreDecision']> }
  | { op: 'recomputeAll'; args: [options: { recalibrate: boolean; useSaved?: boolean }] }
  | { op: 'correct'; args: Parameters<BatchContext['correct']> }
  | { op: 'settle'; args: [] }
  | { op: 'savedPool'; args: [] }
  | { op: 'close'; args: [] }

/**
 * After an update: the readings that changed (null: back to the model's), and the batch's decision.
 * After a full recompute (`all`), only the lines context changes are listed: every other line shows the
 * model's reading, and a 50,000-line batch would otherwise send 50,000 nulls.
 */
export interface UpdateReply {
  result: UpdateResult
  all: boolean
  readings: Array<[number, ContextReading | null]>
  decision: BatchContext['decided']
}

const init = workerData as WorkerInit
const port = parentPort!
const similarity = await createSimilaritySearch(init.dim)
const stored = featureReader(init.library)
const ctx = new BatchContext(
  { similarity, alphabet: parseAlphabet(init.alphabetText, { spaceAtEnd: init.spaceAtEnd }), dim: init.dim, features: stored.read },
  init.settings,
)
let lineIds: number[] = []
let batchId: number | null = null

function reply(result: UpdateResult, ids: number[], all = false): UpdateReply {
  const readings = ids.map((id): [number, ContextReading | null] => [id, ctx.reading(id)])
  return { result, all, readings: all ? readings.filter(([, r]) => r) : readings, decision: ctx.decided }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'loadBatch':
      batchId = request.args[0]
      for (const chunk of batchLines(init.library, request.args[0])) {
        ctx.addLines(chunk)
        for (const line of chunk) lineIds.push(line.id)
      }
      ctx.linesLoaded()
      return lineIds.length
    case 'loadSavedPool':
      return ctx.loadSavedPool(...request.args)
    case 'loadCorrections':
      return ctx.loadCorrections(...request.args)
    case 'restoreDecision':
      return ctx.restoreDecision(...request.args)
    case 'recomputeAll': {
      const { recalibrate, useSaved } = request.args[0]
      const lists = useSaved && batchId !== null ? readLists(listsPath(init.library.path, batchId)) : null
      return reply(await ctx.recomputeAll({ recalibrate, lists: lists ?? undefined }), lineIds, true)
    }
    case 'correct': {
      const result = await ctx.correct(...request.args)
      return reply(result, [request.args[0], ...result.changed])
    }
    case 'settle': {
      const result = await ctx.settle()
      return reply(result, result.changed)
    }
    case 'savedPool':
      return ctx.savedPool()
    case 'close':
      // The lists as they stand, for the next time the batch is opened (a cache: a failure loses nothing).
      if (batchId !== null && lineIds.length) {
        try {
          writeLists(listsPath(init.library.path, batchId), ctx.savedLists())
        } catch (err) {
          console.error(`could not save the neighbour lists of batch ${batchId}:`, err)
        }
      }
      stored.close()
      await similarity.release()
      return null
    default:
      throw new Error(`unknown request ${(request as { op: string }).op}`)
  }
}

// Requests are handled one at a time, in order: the context's state is never touched concurrently.
let queue = Promise.resolve()
port.on('message', ({ id, request }: { id: number; request: Request }) => {
  queue = queue.then(async () => {
    try {
      port.postMessage({ id, ok: true, value: await handle(request) })
    } catch (err) {
      port.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err) })
    }
  })
})
port.postMessage({ ready: true })
