// The engine's workers (recognition, detection, pages, in-context) compute for seconds at a time on as many
// cores as the machine has; the main thread answers the UI's IPC and bridge between them. On 2 cores the
// workers' threads (and ONNX Runtime's, which spin while they wait for work) took the main thread's core
// often enough to hold the event loop 100–150 ms (`npm run bench -- load`). A worker therefore lowers its
// own thread's priority before it creates anything that starts threads: those inherit it. Only where the
// OS lets one thread do so (Linux: a thread is a task with its own nice value); elsewhere nothing changes.
import { readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import { setPriority } from 'node:os'

/** How much lower than the main thread (nice value: 0 normal … 19 lowest). */
const BACKGROUND_NICE = 10

/** Lowers the calling thread's priority (call it first in a worker); false where the OS offers no way. */
export function runInBackground(): boolean {
  try {
    const tid = Number(basename(readlinkSync('/proc/thread-self')))
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, BACKGROUND_NICE)
    return true
  } catch {
    return false
  }
}
