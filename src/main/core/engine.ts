// The engine: plain Node, never imports electron. Every host (Electron IPC, the browser bridge, the CLI)
// builds one with createEngine and talks to it only through `dispatch` and `events`.
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { CorrectionEffect, EngineStatus, ReviewSaved } from '../../shared/api'
import { createBackgroundWrites, type BackgroundWrites } from './background-writes'
import { createPoolService } from './pools/pools'
import { createReviewService, type ReviewService, type SavedCorrection } from './review/review'
import { createBatchService, type BatchService } from './intake/service'
import { createSessionLog } from './review/session-log'
import { createDispatcher, type Dispatch } from './dispatch'
import { createEventBus, type EventBus } from './event-bus'
import { createExporter, type Exporter } from './export/batch-export'
import type { ContextSettings } from './incontext/settings'
import type { Recognizer } from './recognize/recognizer'
import { startRecognizer } from './recognize/recognizer-client'
import { createPageReader } from './intake/page-reader'
import { openLibrary, type Db } from './store/db'
import { exportFolderOf } from './paths'
import { version } from './version'

export interface EngineOptions {
  /** The SQLite library file. */
  libraryPath: string
  host: EngineStatus['host']
  /** Path to a better-sqlite3 addon built for this runtime's ABI (Electron); Node uses its own. */
  nativeBinding?: string
  /** Execution providers to try, in order; defaults to the platform's list ending in CPU. */
  providers?: string[]
  /** Overrides of the in-context settings (experiments; the app uses the defaults). */
  context?: Partial<ContextSettings>
}

export interface Engine {
  dispatch: Dispatch
  events: EventBus
  status(): EngineStatus
  recognizer: Recognizer
  batches: BatchService
  review: ReviewService
  exporter: Exporter
  /** Writes nobody waits on that failed, told and tried again (see background-writes.ts). */
  writes: BackgroundWrites
  /** The library's connection: tests fill it up (PRAGMA max_page_count) or write-protect it (query_only). */
  library: Db
  close(): Promise<void>
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const db = openLibrary(options.libraryPath, { nativeBinding: options.nativeBinding })
  let recognizer: Recognizer
  try {
    recognizer = await startRecognizer({ providers: options.providers })
  } catch (err) {
    db.close()
    throw err
  }
  const events = createEventBus()
  const writes = createBackgroundWrites({ events })
  const pageReader = createPageReader({ providers: options.providers })
  const exportFolder = exportFolderOf(options.libraryPath)
  const status = (): EngineStatus => ({
    version,
    model: { id: recognizer.model.id, name: recognizer.model.name, alphabetSize: recognizer.alphabet.size },
    provider: { name: recognizer.provider, skipped: recognizer.skippedProviders },
    detection: pageReader.detectorIfStarted() ? { provider: pageReader.detectorIfStarted()!.provider } : null,
    libraryPath: options.libraryPath,
    exportFolder,
    host: options.host,
  })
  const batches = createBatchService({
    db,
    recognizer,
    events,
    pages: pageReader,
    writes,
    // Each recognition step's lines join the batch's context when it is open: read in context as they come.
    linesRead: (batchId, ids) => review.linesRead(batchId, ids),
    // A batch's readings changed with its scripts: a loaded context reads them again.
    scriptsChanged: (batchId) => review.reset(batchId).then(() => events.emit('lines:changed', { batchId, ids: [] })),
  })
  const pools = createPoolService({ db, modelId: recognizer.model.id, dim: 120 })
  const review = createReviewService({
    db,
    recognizer,
    batches,
    events,
    pools,
    settings: options.context,
    library: { path: options.libraryPath, nativeBinding: options.nativeBinding },
    writes,
    onSettled: (lineId, decision, changed) => void log.settled(lineId, decision, changed).catch((err) => console.error(err)),
  })
  const log = createSessionLog({ index: review.index, batchOf: (lineId) => review.batchOf(lineId) })
  const exporter = createExporter({ index: review.index, events, exists: (batchId) => batches.exists(batchId) })
  const dispatch = createDispatcher({
    'engine:status': () => status(),
    'batch:list': () => batches.list(),
    'batch:openFolder': (input) => batches.openFolder(input),
    'batch:openPaths': (input) => batches.openPaths(input),
    'batch:readNew': (input) => batches.readNew(input.batchId),
    'batch:scripts': (input) => {
      batches.exists(input.batchId)
      return batches.scripts.get(input.batchId)
    },
    'batch:setScripts': async (input) => {
      batches.exists(input.batchId)
      await batches.scripts.set(input.batchId, input.scripts, true)
      return batches.scripts.get(input.batchId)
    },
    'batch:lines': (input) => review.lines(input),
    'batch:position': (input) => review.position(input),
    'batch:export': async (input) => {
      // The default folder is made on its first use; any other must exist (the exporter says so).
      if (dirname(resolve(input.path)) === exportFolder) await mkdir(exportFolder, { recursive: true })
      return exporter.toFile(input)
    },
    'line:crop': (input) => batches.crop(input.lineId),
    'line:page': (input) => batches.pageView(input.lineId),
    'line:rows': (input) => review.rows(input.ids),
    'job:cancel': (input) => ({ cancelled: batches.cancel(input.jobId) }),
    'batch:resume': (input) => batches.resume(input.batchId),
    // A correction saved means the library takes writes again: what is waiting to be saved is tried now.
    'review:correct': (input) => {
      const saved = review.correct(input.lineId, input.text)
      // A correction in a script the batch was not given (unless the reviewer chose them) adds it.
      void batches.scripts.takeCorrection(saved.batchId, input.text).catch((err) => console.error(err))
      return track(saved, 'typed')
    },
    'review:accept': (input) => track(review.accept(input.lineId), 'accepted'),
    'review:undo': (input) => {
      const saved = review.undo(input.batchId)
      return saved && track(saved, 'undo')
    },
    'review:notText': (input) => track(review.notText(input.lineId, input.notText), input.notText ? 'not-text' : 'is-text'),
    'review:decision': (input) => review.decision(input.batchId),
    'pool:save': async (input) => {
      const ctx = await review.context(input.batchId)
      return pools.save(input.name, { ...(await ctx.savedPool()), trust: ctx.decided.trust, lexiconBias: ctx.decided.lexiconBias, gate: ctx.decided.gate })
    },
    'pool:list': () => pools.list(),
    'pool:use': async (input) => {
      batches.summary(input.batchId)
      pools.use(input.batchId, input.poolId)
      await review.reset(input.batchId, { fresh: true })
      const ctx = await review.context(input.batchId)
      events.emit('lines:changed', { batchId: input.batchId, ids: [] })
      return ctx.decided
    },
    'pool:export': (input) => pools.exportTo(input.poolId, input.path, input.overwrite),
    'pool:import': (input) => pools.importFrom(input.path),
    'review:stats': async (input) => {
      batches.exists(input.batchId)
      return log.stats(input.batchId, review.loadedDecision(input.batchId), review.contextLoading(input.batchId))
    },
  }, console.error, options.libraryPath)
  /**
   * A saved correction's reply; once its batch's context has taken it in, the learning chart records it
   * and `correction:applied` tells every host what it changed (or why it could not be applied yet).
   */
  function track(saved: SavedCorrection, kind: CorrectionEffect['kind']): ReviewSaved {
    writes.succeeded()
    const { applied, ...reply } = saved
    const { batchId, correctionId } = reply
    applied
      .then((update) => log.record(update, kind))
      .then(
        (update) => events.emit('correction:applied', { batchId, correctionId, update }),
        (err) => events.emit('correction:applied', { batchId, correctionId, update: null, error: err instanceof Error ? err.message : String(err) }),
      )
      .catch((err) => console.error(err))
    return reply
  }
  // Recognition cut short by a crash or a quit carries on; a batch the reviewer cancelled stays stopped.
  batches.resumeUnread()
  return {
    dispatch,
    events,
    status,
    recognizer,
    batches,
    review,
    exporter,
    writes,
    library: db,
    async close() {
      writes.close()
      batches.cancelAll()
      await batches.idle()
      await review.close()
      await pageReader.close()
      await recognizer.release()
      db.close()
    },
  }
}
