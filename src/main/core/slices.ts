// Long work on the engine's main thread done in slices, with a turn of the event loop between them: the
// thread also answers IPC and the bridge, and anything it holds over 100 ms freezes the UI.

/** Lets the event loop run (IPC, the bridge, timers) before going on. */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Tells a loop when it has held the thread for `budgetMs` since its last turn. Sized by time, not by
 * items, so a slow machine (or one busy with the in-context worker) still turns as often.
 */
export function timeSlices(budgetMs = 12) {
  let since = performance.now()
  return {
    due: () => performance.now() - since >= budgetMs,
    async breathe() {
      await breathe()
      since = performance.now()
    },
  }
}
