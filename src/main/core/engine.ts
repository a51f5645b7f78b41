// The engine: plain Node, never imports electron. Every host (Electron IPC, the browser bridge, the CLI)
// builds one with createEngine and talks to it only through `dispatch` and `events`.
import type { EngineStatus } from '../../shared/api'
import { createBatchService, type BatchService } from './batch/service'
import { createDispatcher, type Dispatch } from './dispatch'
import { createEventBus, type EventBus } from './event-bus'
import { loadRecognizer, type Recognizer } from './recognize/recognizer'
import { openLibrary } from './store/db'
import { version } from './version'

export interface EngineOptions {
  /** The SQLite library file. */
  libraryPath: string
  host: EngineStatus['host']
  /** Path to a better-sqlite3 addon built for this runtime's ABI (Electron); Node uses its own. */
  nativeBinding?: string
  /** Execution providers to try, in order; defaults to the platform's list ending in CPU. */
  providers?: string[]
}

export interface Engine {
  dispatch: Dispatch
  events: EventBus
  status(): EngineStatus
  recognizer: Recognizer
  batches: BatchService
  close(): Promise<void>
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const db = openLibrary(options.libraryPath, { nativeBinding: options.nativeBinding })
  let recognizer: Recognizer
  try {
    recognizer = await loadRecognizer({ providers: options.providers })
  } catch (err) {
    db.close()
    throw err
  }
  const events = createEventBus()
  const status = (): EngineStatus => ({
    version,
    model: { id: recognizer.model.id, name: recognizer.model.name, alphabetSize: recognizer.alphabet.size },
    provider: { name: recognizer.provider, skipped: recognizer.skippedProviders },
    libraryPath: options.libraryPath,
    host: options.host,
  })
  const batches = createBatchService({ db, recognizer, events })
  const dispatch = createDispatcher({
    'engine:status': () => status(),
    'batch:list': () => batches.list(),
    'batch:openFolder': (input) => batches.openFolder(input),
    'batch:lines': (input) => batches.lines(input),
    'line:crop': (input) => batches.crop(input.lineId),
    'job:cancel': (input) => ({ cancelled: batches.cancel(input.jobId) }),
  })
  return {
    dispatch,
    events,
    status,
    recognizer,
    batches,
    async close() {
      batches.cancelAll()
      await batches.idle()
      await recognizer.release()
      db.close()
    },
  }
}
