// The recognition worker: the ONNX session, image decoding and CTC decoding, off the engine's main
// thread. onnxruntime-node runs a session synchronously on the calling thread (its `run` only defers to
// setImmediate), so on the main thread each batch would stall IPC and the bridge for 50–250 ms.
import { parentPort, workerData } from 'node:worker_threads'
import { refuseStart, serve } from '../worker-serve'
import { runInBackground } from '../thread-priority'
import { loadRecognizer, type ReadResult, type Recognizer, type RecognizerOptions } from './recognizer'
import type { Script } from './scripts'

/** Reads run concurrently with the message loop, so that a cancel reaches a running one. */
export type RecognizeWorker = {
  init: RecognizerOptions
  ready: WorkerReady
  calls: {
    /** Image paths or encoded bytes; a result per input, in order. */
    read: { input: [inputs: Array<string | Uint8Array>, scripts: Script[] | undefined]; output: ReadResult[] }
    /** Frees the model. */
    release: { input: []; output: void }
  }
}

export interface WorkerReady {
  model: Recognizer['model']
  provider: string
  skippedProviders: Recognizer['skippedProviders']
  batchSize: number
  alphabetSource: Recognizer['alphabetSource']
}

// Before anything here starts threads (ONNX Runtime's, libvips'): they take this priority (thread-priority.ts).
runInBackground()
const port = parentPort!
const recognizer = await loadRecognizer(workerData as RecognizerOptions).catch((err: Error) => {
  refuseStart(port, err)
  return null
})

if (recognizer) {
  const ready: WorkerReady = {
    model: recognizer.model,
    provider: recognizer.provider,
    skippedProviders: recognizer.skippedProviders,
    batchSize: recognizer.batchSize,
    alphabetSource: recognizer.alphabetSource,
  }
  serve<RecognizeWorker>(port, ready, {
    async read(inputs, scripts, { signal, progress, transfer }) {
      const buffers = inputs.map((i) => (typeof i === 'string' ? i : Buffer.from(i.buffer, i.byteOffset, i.byteLength)))
      const results = await recognizer.read(buffers, { signal, onProgress: progress, scripts })
      transfer(transferables(results))
      return results
    },
    release: () => recognizer.release(),
  })
}

/** The cached frames' buffers move to the main thread instead of being copied. */
function transferables(results: ReadResult[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = []
  for (const r of results) {
    if (!r.ok) continue
    const c = r.reading.cache
    for (const a of [c.topIndex, c.topProb, c.blank, c.features]) if (!out.includes(a.buffer as ArrayBuffer)) out.push(a.buffer as ArrayBuffer)
  }
  return out
}
