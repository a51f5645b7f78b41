import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { LectorError } from './errors'
import { lowerHelperThreads } from './thread-priority'

export type WorkerName = 'context-worker' | 'recognize-worker' | 'pages-worker' | 'detect-worker'

/**
 * What one engine worker offers, written once beside it and checked by the compiler on both sides (like
 * src/shared/api.ts): the `workerData` it starts from, what it answers once started, and its calls, each
 * name with its arguments and its result.
 */
export type WorkerProtocol = {
  init: object
  ready: unknown
  calls: { [name: string]: { input: unknown[]; output: unknown } }
}
export type CallName<P extends WorkerProtocol> = keyof P['calls'] & string
export type CallInput<P extends WorkerProtocol, K extends CallName<P>> = P['calls'][K]['input']
export type CallOutput<P extends WorkerProtocol, K extends CallName<P>> = P['calls'][K]['output']

/**
 * The messages, both ways. A worker posts `{ ready }` once started, or `{ initError }` when it could not
 * start. A call is `{ id, name, args }`; `{ cancel: id }` aborts its signal in the worker. The worker
 * reports on a running call with `{ id, progress }` and answers `{ id, ok: true, value }` or
 * `{ id, ok: false, message, name?, code? }` (a LectorError's code is kept: the host makes it one again).
 */
export type HostMessage = { id: number; name: string; args: unknown[] } | { cancel: number }
export type WorkerMessage =
  | { ready: unknown }
  | { initError: string }
  | { id: number; progress: number }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; name?: string; code?: unknown }

export interface CallOptions {
  /** Memory that moves to the worker instead of being copied; unusable here afterwards. */
  transfer?: ArrayBuffer[]
  /** Called with the worker's progress reports on this call. */
  progress?: (done: number) => void
  /**
   * Aborts the call in the worker (its handler's signal); the handler decides how it ends. A call whose
   * signal is already aborted is not sent: it fails at once with an AbortError.
   */
  signal?: AbortSignal
}

/**
 * Starts one of the engine's worker threads. The Electron build bundles each as `<name>.js` beside the
 * main bundle; from TypeScript sources (CLI, tests, browser shell under tsx) a small bootstrap registers
 * tsx's loader in the new thread and imports the source file.
 */
export function startWorker(name: WorkerName, source: URL, workerData: object): Worker {
  for (const candidate of [`./${name}.js`, `../${name}.js`]) {
    const bundled = new URL(candidate, import.meta.url)
    if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData })
  }
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...workerData, entry: source.href } })
}

/** The host side of an engine worker (the worker side is worker-serve.ts): typed calls answered as promises. */
export interface WorkerConnection<P extends WorkerProtocol> {
  ready: P['ready']
  call<K extends CallName<P>>(name: K, ...args: CallInput<P, K>): Promise<CallOutput<P, K>>
  /** The same call with memory to move, a progress callback or a signal that cancels it. */
  callWith<K extends CallName<P>>(options: CallOptions, name: K, ...args: CallInput<P, K>): Promise<CallOutput<P, K>>
  close(): Promise<void>
}

/**
 * Starts a worker and waits for its `ready` (or `initError`). A failure comes back as an Error with the
 * worker's name and code, a LectorError again when it was one. If the worker dies, every pending and
 * later call fails with the reason.
 */
export async function connectWorker<P extends WorkerProtocol>(
  name: WorkerName,
  source: URL,
  workerData: P['init'],
  label: string,
): Promise<WorkerConnection<P>> {
  const worker = startWorker(name, source, workerData)
  type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (done: number) => void }
  const pending = new Map<number, Pending>()
  let nextId = 1
  let failure: Error | null = null
  const post = (message: HostMessage, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer)
  const ready = await new Promise<P['ready']>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) return resolve(m.ready)
      if ('initError' in m) return reject(new Error(m.initError))
      const p = pending.get(m.id)
      if (!p) return
      if ('progress' in m) return p.progress?.(m.progress)
      pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(rebuildError(m))
    })
    const fail = (err: Error) => {
      failure = err
      reject(err)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the ${label} worker stopped (exit code ${code})`)))
  }).catch(async (err) => {
    await worker.terminate()
    throw err
  })

  function callWith<K extends CallName<P>>(options: CallOptions, name: K, ...args: CallInput<P, K>): Promise<CallOutput<P, K>> {
    const { signal } = options
    if (signal?.aborted) return Promise.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }))
    if (failure) return Promise.reject(failure)
    const id = nextId++
    const cancel = () => {
      if (!failure) post({ cancel: id })
    }
    signal?.addEventListener('abort', cancel, { once: true })
    return new Promise<CallOutput<P, K>>((resolve, reject) => {
      pending.set(id, { resolve, reject, progress: options.progress })
      post({ id, name, args }, options.transfer)
    }).finally(() => signal?.removeEventListener('abort', cancel))
  }

  // The worker's heap keeps V8's helper threads busy too: they yield to this thread (thread-priority.ts).
  lowerHelperThreads()
  return {
    ready,
    call: (name, ...args) => callWith({}, name, ...args),
    callWith,
    async close() {
      await worker.terminate()
    },
  }
}

function rebuildError(m: { message: string; name?: string; code?: unknown }): Error {
  if (m.name === 'LectorError' && m.code) return new LectorError(m.code as LectorError['code'], m.message)
  return Object.assign(new Error(m.message), { name: m.name ?? 'Error', code: m.code })
}
