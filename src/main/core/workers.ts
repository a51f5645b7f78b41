import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts one of the engine's worker threads. The Electron build bundles each as `<name>.js` beside the
 * main bundle; from TypeScript sources (CLI, tests, browser shell under tsx) a small bootstrap registers
 * tsx's loader in the new thread and imports the source file.
 */
export function startWorker(name: 'context-worker' | 'recognize-worker', source: URL, workerData: object): Worker {
  for (const candidate of [`./${name}.js`, `../${name}.js`]) {
    const bundled = new URL(candidate, import.meta.url)
    if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData })
  }
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...workerData, entry: source.href } })
}
