import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { startPageWorker } from './page-worker'

/** The nice value of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function niceByThread(): Map<number, number> {
  const nice = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    nice.set(Number(tid), Number(fields[16]))
  }
  return nice
}

describe.skipIf(!existsSync('/proc/thread-self'))('background threads', () => {
  it("run an engine worker's thread below the main thread, which keeps its priority", async () => {
    const before = niceByThread()
    const worker = await startPageWorker()
    try {
      const after = niceByThread()
      const started = [...after].filter(([tid]) => !before.has(tid))
      expect(started.some(([, nice]) => nice === 10)).toBe(true)
      expect(after.get(process.pid)).toBe(before.get(process.pid))
    } finally {
      await worker.close()
    }
  })
})
