import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { startPageWorker } from './page-worker'

/** Each thread of this process: its name and nice value (Linux: /proc/self/task/<tid>/stat, field 19). */
function threads(): Map<number, { name: string; nice: number }> {
  const found = new Map<number, { name: string; nice: number }>()
  for (const tid of readdirSync('/proc/self/task')) {
    // The name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    found.set(Number(tid), { name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) })
  }
  return found
}

describe.skipIf(!existsSync('/proc/thread-self'))('background threads', () => {
  it("run an engine worker's threads and the process's helpers below the main thread, which keeps its priority", async () => {
    const before = threads()
    const worker = await startPageWorker()
    try {
      const after = threads()
      const started = [...after].filter(([tid]) => !before.has(tid))
      expect(started.some(([, t]) => t.nice === 10)).toBe(true)
      // V8's and libuv's helpers (named `node` by Node) yield to the main thread too.
      const helpers = [...after].filter(([tid, t]) => tid !== process.pid && t.name === 'node')
      expect(helpers.length).toBeGreaterThan(0)
      expect(helpers.every(([, t]) => t.nice === 10)).toBe(true)
      expect(after.get(process.pid)!.nice).toBe(before.get(process.pid)!.nice)
    } finally {
      await worker.close()
    }
  })
})
