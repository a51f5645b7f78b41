// The detection worker: the detection and direction sessions, OpenCV and the crops, off the engine's
// main thread (onnxruntime-node runs a session synchronously on the calling thread; a page takes ~1 s).
import { parentPort, workerData } from 'node:worker_threads'
import type { DetectedLine } from '../pages/types'
import { refuseStart, serve } from '../worker-serve'
import { runInBackground } from '../thread-priority'
import { loadDetector, type DetectorOptions, type LocalDetector } from './detector'

export type WorkerReady = Pick<LocalDetector, 'provider' | 'skippedProviders' | 'models'>

/** Detections run concurrently with the message loop, so that a cancel reaches a running one. */
export type DetectWorker = {
  init: DetectorOptions
  ready: WorkerReady
  calls: {
    /** An RGB page's text lines, with their crops. */
    detect: { input: [page: { width: number; height: number; data: Uint8Array }]; output: DetectedLine[] }
    /** Frees the models. */
    release: { input: []; output: void }
  }
}

// Before anything here starts threads (ONNX Runtime's, libvips'): they take this priority (thread-priority.ts).
runInBackground()
const port = parentPort!
const detector = await loadDetector(workerData as DetectorOptions).catch((err: Error) => {
  refuseStart(port, err)
  return null
})

if (detector) {
  const ready: WorkerReady = { provider: detector.provider, skippedProviders: detector.skippedProviders, models: detector.models }
  serve<DetectWorker>(port, ready, {
    async detect({ width, height, data }, { signal }) {
      const page = { width, height, channels: 3 as const, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }
      // Crops are copied, not transferred: sharp's output buffers need not be detachable, and they are small.
      return detector.detect(page, { signal })
    },
    release: () => detector.release(),
  })
}
