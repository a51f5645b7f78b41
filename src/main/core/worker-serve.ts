// The worker side of an engine worker's channel (the host side, and the messages, are in workers.ts).
import type { MessagePort } from 'node:worker_threads'
import type { CallInput, CallName, CallOutput, HostMessage, WorkerMessage, WorkerProtocol } from './workers'

/** What a handler gets besides its arguments, always last. */
export interface CallContext {
  /** Aborted when the host cancels this call. */
  signal: AbortSignal
  /** Reports how far this call has come (the host's `progress` option). A function, to take out of the context. */
  progress: (done: number) => void
  /** Memory the reply moves to the host instead of copying. */
  transfer: (buffers: ArrayBuffer[]) => void
}

/** A handler per call; a call with optional arguments is refused here, since the context comes after them. */
export type Handlers<P extends WorkerProtocol> = {
  [K in CallName<P>]: CallInput<P, K> extends Required<CallInput<P, K>>
    ? (...args: [...CallInput<P, K>, CallContext]) => CallOutput<P, K> | Promise<CallOutput<P, K>>
    : 'a call takes no optional arguments: the CallContext would take their place'
}

export interface ServeOptions {
  /** Calls run one at a time, in the order sent (state never touched by two at once); by default each runs as it arrives. */
  serial?: boolean
  /** Failures cross as their message only; by default their name and code cross too. */
  messageOnly?: boolean
}

/** Posts `ready`, then answers the host's calls with `handlers`. */
export function serve<P extends WorkerProtocol>(port: MessagePort, ready: P['ready'], handlers: Handlers<P>, options: ServeOptions = {}): void {
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
  const running = new Map<number, AbortController>()

  async function answer(id: number, name: string, args: unknown[]): Promise<void> {
    const controller = new AbortController()
    running.set(id, controller)
    let transfer: ArrayBuffer[] = []
    const context: CallContext = {
      signal: controller.signal,
      progress: (done) => post({ id, progress: done }),
      transfer: (buffers) => void (transfer = buffers),
    }
    try {
      const handler = handlers[name as CallName<P>] as ((...args: unknown[]) => unknown) | undefined
      if (!handler) throw new Error(`unknown request ${name}`)
      const value = await handler(...args, context)
      post({ id, ok: true, value }, transfer)
    } catch (err) {
      const e = err instanceof Error ? (err as Error & { code?: unknown }) : null
      const message = e ? e.message : String(err)
      post(options.messageOnly || !e ? { id, ok: false, message } : { id, ok: false, message, name: e.name, code: e.code })
    } finally {
      running.delete(id)
    }
  }

  post({ ready })
  let queue = Promise.resolve()
  port.on('message', (m: HostMessage) => {
    if ('cancel' in m) return void running.get(m.cancel)?.abort()
    if (!options.serial) return void answer(m.id, m.name, m.args)
    queue = queue.then(() => answer(m.id, m.name, m.args))
  })
}

/** Tells the host this worker could not start (it waits for `ready` or this). */
export function refuseStart(port: MessagePort, err: Error): void {
  port.postMessage({ initError: err.message } satisfies WorkerMessage)
}
