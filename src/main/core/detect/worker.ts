// The detection worker: the detection and direction sessions, OpenCV and the crops, off the engine's
// main thread (onnxruntime-node runs a session synchronously on the calling thread; a page takes ~1 s).
import { parentPort, workerData } from 'node:worker_threads'
import type { DetectedLine } from '../pages/types'
import { loadDetector, type DetectorOptions, type LocalDetector } from './detector'

export type DetectRequest =
  | { op: 'detect'; token: number; page: { width: number; height: number; data: Uint8Array } }
  | { op: 'cancel'; token: number }
  | { op: 'release' }

export type WorkerReady = Pick<LocalDetector, 'provider' | 'skippedProviders' | 'models'>

const port = parentPort!
const detector = await loadDetector(workerData as DetectorOptions).catch((err: Error) => {
  port.postMessage({ initError: err.message })
  return null
})

if (detector) {
  const running = new Map<number, AbortController>()
  const ready: WorkerReady = { provider: detector.provider, skippedProviders: detector.skippedProviders, models: detector.models }
  port.postMessage({ ready })
  port.on('message', async ({ id, request }: { id: number; request: DetectRequest }) => {
    if (request.op === 'cancel') return running.get(request.token)?.abort()
    if (request.op === 'release') {
      await detector.release()
      return port.postMessage({ id, ok: true, value: null })
    }
    const controller = new AbortController()
    running.set(request.token, controller)
    try {
      const { width, height, data } = request.page
      const page = { width, height, channels: 3 as const, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }
      const lines = await detector.detect(page, { signal: controller.signal })
      // Crops are copied, not transferred: sharp's output buffers need not be detachable, and they are small.
      port.postMessage({ id, ok: true, value: lines satisfies DetectedLine[] })
    } catch (err) {
      const e = err as Error & { code?: string }
      port.postMessage({ id, ok: false, name: e.name, message: e.message, code: e.code })
    } finally {
      running.delete(request.token)
    }
  })
}
