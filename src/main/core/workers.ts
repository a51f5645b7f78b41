import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

export type WorkerName = 'context-worker' | 'recognize-worker' | 'pages-worker' | 'detect-worker'

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

/** The main side of an engine worker: requests with ids, replies as promises, progress on the way. */
export interface WorkerConnection<Ready> {
  ready: Ready
  call<T>(request: object, options?: { transfer?: ArrayBuffer[]; progress?: (done: number) => void }): Promise<T>
  /** A message that needs no reply (a cancel). */
  post(request: object): void
  close(): Promise<void>
}

/**
 * Starts a worker and waits for its `{ ready }` (or `{ initError }`). Replies are `{ id, ok, value }` or
 * `{ id, ok: false, name, message, code? }` (a LectorError's code, kept on the Error); `{ id, progress }`
 * reports on a running request. If the worker dies, every pending and later call fails with the reason.
 */
export async function connectWorker<Ready>(
  name: WorkerName,
  source: URL,
  workerData: object,
  label: string,
): Promise<WorkerConnection<Ready>> {
  const worker = startWorker(name, source, workerData)
  type Pending = { resolve: (v: any) => void; reject: (e: Error) => void; progress?: (done: number) => void }
  const pending = new Map<number, Pending>()
  let nextId = 1
  let failure: Error | null = null
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.on('message', (m: any) => {
      if ('ready' in m) return resolve(m.ready)
      if ('initError' in m) return reject(new Error(m.initError))
      const p = pending.get(m.id)
      if (!p) return
      if ('progress' in m) return p.progress?.(m.progress)
      pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(Object.assign(new Error(m.message), { name: m.name ?? 'Error', code: m.code }))
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
  return {
    ready,
    call(request, options = {}) {
      if (failure) return Promise.reject(failure)
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, progress: options.progress })
        worker.postMessage({ id, request }, options.transfer ?? [])
      })
    },
    post(request) {
      if (!failure) worker.postMessage({ id: 0, request })
    },
    async close() {
      await worker.terminate()
    },
  }
}
