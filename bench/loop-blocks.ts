// How long the event loop went without a turn, measured by a heartbeat: a timer every few milliseconds
// that notes how late it fires. perf_hooks.monitorEventLoopDelay was used before, but it skips the first
// delay after reset(): a 630 ms block starting right after a step began was reported as 10 ms.

export interface LoopBlocks {
  /** Starts a new window: `max` and `count` from here on. */
  reset(): void
  /** The longest gap between two turns since reset, in ms (less the heartbeat's own period). */
  readonly max: number
  /** Gaps over `threshold` ms since reset. */
  readonly count: number
  stop(): void
}

export function watchLoopBlocks(threshold: number, periodMs = 5): LoopBlocks {
  let last = performance.now()
  let max = 0
  let count = 0
  const timer = setInterval(() => {
    const now = performance.now()
    const gap = now - last - periodMs
    last = now
    if (gap > max) max = gap
    if (gap > threshold) count++
  }, periodMs)
  timer.unref()
  return {
    reset() {
      max = 0
      count = 0
    },
    get max() {
      return max
    },
    get count() {
      return count
    },
    stop: () => clearInterval(timer),
  }
}
