// The engine's main thread answers the UI's IPC and bridge; everything else it runs — its workers
// (recognition, detection, pages, in-context), ONNX Runtime's pools, V8's garbage-collection helpers that
// every worker's heap keeps busy — computes for seconds at a time on as many cores as the machine has. On
// 2 cores those threads kept the idle main thread from running often enough to hold its event loop
// 100–180 ms while a 50,000-line batch's context loaded (`npm run bench -- load`; with them lowered: 46 ms).
// So they run at a lower priority: a worker lowers its own thread before it creates anything that starts
// threads (those inherit it), and the process's helper threads are lowered as workers start. Only where
// the OS lets one thread do so (Linux: a thread is a task with its own nice value); elsewhere nothing changes.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import { setPriority } from 'node:os'

/** How much lower than the main thread (nice value: 0 normal … 19 lowest). */
const BACKGROUND_NICE = 10

/**
 * Helper threads by name: those nobody named, which carry the process's own name (V8's platform workers and
 * libuv's pool: `node` under Node, the app's name under Electron), libuv's when it names them, and the pools
 * of libvips (sharp) and of Rust libraries. Every thread Chromium names itself — Electron's IO thread, which
 * carries the UI's IPC, among them — keeps its priority.
 */
const HELPERS = /^(libuv-worker|V8 DefaultWorke|libvips worker|tokio-rt-worker)$/

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

/** Lowers the process's helper threads (never its main thread); returns how many it lowered. */
export function lowerHelperThreads(): number {
  let lowered = 0
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return 0
  }
  const own = name(process.pid)
  for (const task of tasks) {
    const tid = Number(task)
    if (tid === process.pid) continue
    try {
      const thread = name(tid)
      if (thread !== own && !HELPERS.test(thread)) continue
      setPriority(tid, BACKGROUND_NICE)
      lowered++
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered
}

/** A thread's name (at most 15 characters: Linux cuts it). */
const name = (tid: number) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
