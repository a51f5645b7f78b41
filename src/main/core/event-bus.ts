import { createEmitter, type Emitter } from '../../shared/emitter'
import type { Events } from '../../shared/events'

/** The engine emits, each host forwards to its renderer(s); `onAny` serves hosts that forward every event. */
export type EventBus = Emitter<Events>

/** A listener that throws reaches the emitting code, as any other call would. */
export function createEventBus(): EventBus {
  return createEmitter<Events>()
}
