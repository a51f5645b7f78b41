import type { MessagePort } from 'node:worker_threads'

/** What every model worker (recognition, detection) answers besides its own work. */
export type ControlRequest = { op: 'cancel'; token: number } | { op: 'release' }

/**
 * The worker side of connectWorker for a model worker: posts `{ ready }`, then serves requests. A work
 * request runs with its own AbortSignal, found by its token when a `cancel` arrives (work runs concurrently
 * with the message loop for that reason); `release` frees the model. Replies follow connectWorker's
 * protocol; an error keeps its name and, for a LectorError, its code.
 */
export function serveModel<Work extends { op: string; token: number }>(
  port: MessagePort,
  ready: object,
  handlers: {
    work(request: Work, signal: AbortSignal, progress: (done: number) => void): Promise<{ value: unknown; transfer?: ArrayBuffer[] }>
    release(): Promise<void>
  },
): void {
  const running = new Map<number, AbortController>()
  port.postMessage({ ready })
  port.on('message', async ({ id, request }: { id: number; request: Work | ControlRequest }) => {
    if (request.op === 'cancel') return running.get((request as ControlRequest & { op: 'cancel' }).token)?.abort()
    if (request.op === 'release') {
      await handlers.release()
      return port.postMessage({ id, ok: true, value: null })
    }
    const work = request as Work
    const controller = new AbortController()
    running.set(work.token, controller)
    try {
      const { value, transfer } = await handlers.work(work, controller.signal, (done) => port.postMessage({ id, progress: done }))
      port.postMessage({ id, ok: true, value }, transfer ?? [])
    } catch (err) {
      const e = err as Error & { code?: string }
      port.postMessage({ id, ok: false, name: e.name, message: e.message, code: e.code })
    } finally {
      running.delete(work.token)
    }
  })
}
