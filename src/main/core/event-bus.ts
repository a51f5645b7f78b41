import type { EventName, EventPayload } from '../../shared/events'

type Listener<E extends EventName> = (payload: EventPayload<E>) => void

/** A small typed emitter: the engine emits, each host forwards to its renderer(s). */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  on<E extends EventName>(event: E, listener: Listener<E>): () => void
  /** Every event, for hosts that forward all of them (IPC, WebSocket). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
}

export function createEventBus(): EventBus {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const anyListeners = new Set<(event: EventName, payload: unknown) => void>()
  return {
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
      for (const l of anyListeners) l(event, payload)
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => set.delete(l)
    },
    onAny(listener) {
      anyListeners.add(listener)
      return () => anyListeners.delete(listener)
    },
  }
}
