// Events the engine pushes to every host, named in the past tense. A second typed map beside api.ts.
import type { ReviewUpdate } from './api'

export interface Events {
  /** A long job (import, recognition) moved on; `linesPerSecond` is measured over the job so far. */
  'job:progressed': {
    jobId: string
    batchId: number
    done: number
    total: number
    linesPerSecond: number
    state: 'running' | 'finished' | 'cancelled' | 'failed'
    /** For a batch with documents: pages whose lines have been found, of the pages known so far. */
    pages?: { total: number; done: number }
    message?: string
  }
  /** Lines whose text or state changed; the renderer refetches only the rows it shows. */
  'lines:changed': { batchId: number; ids: number[] }
  /**
   * A saved correction (its reply came first) was taken in by the batch's context: `update` says what it
   * changed. `error` instead when its context could not take it in (the correction stays saved; it is
   * applied the next time the batch's context loads).
   */
  'correction:applied': { batchId: number; correctionId: number; update: ReviewUpdate | null; error?: string }
  /** A batch appeared or its summary changed. */
  'batches:changed': { ids: number[] }
  /**
   * A write nobody was waiting on failed (a batch's decision, a recognition step): what failed, why (the
   * disk is full, the library write-protected) and what is safe, in words. The engine tries it again by itself.
   */
  'save:failed': { batchId: number | null; message: string }
  /** Writes go through again after `save:failed`; what was pending has been saved. */
  'save:recovered': { message: string }
}

export type EventName = keyof Events
export type EventPayload<E extends EventName> = Events[E]
export const eventNames: EventName[] = ['job:progressed', 'lines:changed', 'correction:applied', 'batches:changed', 'save:failed', 'save:recovered']

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as string[]).includes(name)
}
