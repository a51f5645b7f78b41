// Writes nobody waits on: a batch's decision after its calibration, a recognition step's readings. One that
// fails (a full disk, a library made write-protected) must neither take the engine down, as an unhandled
// rejection did, nor go unseen: the reviewer is told what failed, why and what is safe (`save:failed`), it is
// tried again by itself, and `save:recovered` says when writes go through again. A write the reviewer waits
// on (a correction) answers its own request; when one succeeds, there is room again, and what is pending is
// tried at once instead of at its next turn.
import type { EventBus } from './event-bus'

export const backgroundWriteSettings = {
  /** The first wait before a failed write is tried again: long enough not to spin on a full disk. */
  firstRetryMs: 2_000,
  /** Each failed round doubles the wait, up to this: a disk freed while the reviewer works is noticed within a minute. */
  maxRetryMs: 60_000,
}

export interface BackgroundWrites {
  /**
   * A background write failed: `message` (what failed, why, what is safe) is announced, and `retry` runs
   * later, again and again until the work reports `succeeded(key)` (or `failed` with a newer retry).
   */
  failed(key: string, message: string, retry: () => void, batchId?: number | null): void
  /** A write went through: a pending retry under `key` is dropped; without a key (a foreground write), every pending retry runs now. */
  succeeded(key?: string): void
  /** What is failing now, or null when every write has gone through. */
  trouble(): string | null
  close(): void
}

export function createBackgroundWrites(deps: { events: EventBus; settings?: Partial<typeof backgroundWriteSettings> }): BackgroundWrites {
  const settings = { ...backgroundWriteSettings, ...deps.settings }
  const pending = new Map<string, { message: string; retry: () => void }>()
  let delay = settings.firstRetryMs
  let timer: NodeJS.Timeout | null = null
  let announced: string | null = null
  let closed = false

  function schedule() {
    if (timer || closed || !pending.size) return
    timer = setTimeout(() => {
      timer = null
      delay = Math.min(delay * 2, settings.maxRetryMs)
      runPending()
    }, delay)
    // A retry never keeps a process alive that has nothing else to do.
    timer.unref()
  }

  function runPending() {
    for (const [key, { retry }] of [...pending]) {
      try {
        retry()
      } catch (err) {
        // A retry reports its own failure; one that throws instead is logged, and not tried again.
        pending.delete(key)
        console.error(`retrying ${key} failed:`, err)
      }
    }
    settle()
  }

  /** Announces recovery once nothing is pending; schedules the next round otherwise. */
  function settle() {
    if (pending.size) return schedule()
    delay = settings.firstRetryMs
    if (timer) clearTimeout(timer)
    timer = null
    if (announced !== null) {
      announced = null
      deps.events.emit('save:recovered', { message: 'Saving works again: what could not be saved before has been saved.' })
    }
  }

  return {
    failed(key, message, retry, batchId = null) {
      if (closed) return
      pending.set(key, { message, retry })
      if (announced !== message) {
        announced = message
        deps.events.emit('save:failed', { batchId, message })
      }
      schedule()
    },
    succeeded(key) {
      if (key !== undefined) {
        pending.delete(key)
        settle()
      } else if (pending.size) {
        if (timer) clearTimeout(timer)
        timer = null
        runPending()
      }
    },
    trouble: () => (pending.size ? announced : null),
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
