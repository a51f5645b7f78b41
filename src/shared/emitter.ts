// The one typed emitter of every side: the engine's event bus, the preload's fan-out of IPC events and the
// renderer's bridge client. Pure: no node: or DOM imports.

export type Unsubscribe = () => void

export interface Emitter<M extends object> {
  emit<K extends keyof M>(event: K, payload: M[K]): void
  on<K extends keyof M>(event: K, listener: (payload: M[K]) => void): Unsubscribe
  /** Every event, after its own listeners: for hosts that forward all of them (IPC, WebSocket). */
  onAny(listener: (event: keyof M, payload: M[keyof M]) => void): Unsubscribe
}

/**
 * `onListenerError`: a listener that throws is reported there and the others still run; without it the
 * throw reaches `emit`'s caller and the listeners after it are skipped.
 */
export function createEmitter<M extends object>(options: { onListenerError?: (err: unknown, event: keyof M) => void } = {}): Emitter<M> {
  const listeners = new Map<keyof M, Set<(payload: never) => void>>()
  const anyListeners = new Set<(event: keyof M, payload: M[keyof M]) => void>()
  const run = (event: keyof M, listener: () => void) => {
    if (!options.onListenerError) return listener()
    try {
      listener()
    } catch (err) {
      options.onListenerError(err, event)
    }
  }
  return {
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) run(event, () => (l as (p: typeof payload) => void)(payload))
      for (const l of anyListeners) run(event, () => l(event, payload))
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => void set.delete(listener)
    },
    onAny(listener) {
      anyListeners.add(listener)
      return () => void anyListeners.delete(listener)
    },
  }
}
