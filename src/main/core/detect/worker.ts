// The detection worker: the detection and direction sessions, OpenCV and the crops, off the engine's
// main thread (onnxruntime-node runs a session synchronously on the calling thread; a page takes ~1 s).
import { parentPort, workerData } from 'node:worker_threads'
import { serveModel, type ControlRequest } from '../model-worker'
import type { DetectedLine } from '../pages/types'
import { loadDetector, type DetectorOptions, type LocalDetector } from './detector'

export type DetectRequest = { op: 'detect'; token: number; page: { width: number; height: number; data: Uint8Array } } | ControlRequest

export type WorkerReady = Pick<LocalDetector, 'provider' | 'skippedProviders' | 'models'>

const port = parentPort!
const detector = await loadDetector(workerData as DetectorOptions).catch((err: Error) => {
  port.postMessage({ initError: err.message })
  return null
})

if (detector) {
  const ready: WorkerReady = { provider: detector.provider, skippedProviders: detector.skippedProviders, models: detector.models }
  serveModel<Extract<DetectRequest, { op: 'detect' }>>(port, ready, {
    async work(request, signal) {
      const { width, height, data } = request.page
      const page = { width, height, channels: 3 as const, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }
      // Crops are copied, not transferred: sharp's output buffers need not be detachable, and they are small.
      return { value: (await detector.detect(page, { signal })) satisfies DetectedLine[] }
    },
    release: () => detector.release(),
  })
}
