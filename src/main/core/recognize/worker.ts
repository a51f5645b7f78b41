// The recognition worker: the ONNX session, image decoding and CTC decoding, off the engine's main
// thread. onnxruntime-node runs a session synchronously on the calling thread (its `run` only defers to
// setImmediate), so on the main thread each batch would stall IPC and the bridge for 50–250 ms.
import { parentPort, workerData } from 'node:worker_threads'
import { serveModel, type ControlRequest } from '../model-worker'
import { loadRecognizer, type ReadResult, type Recognizer, type RecognizerOptions } from './recognizer'

export type RecognizeRequest = { op: 'read'; token: number; inputs: Array<string | Uint8Array> } | ControlRequest

export interface WorkerReady {
  model: Recognizer['model']
  provider: string
  skippedProviders: Recognizer['skippedProviders']
  batchSize: number
  alphabetSource: Recognizer['alphabetSource']
}

const port = parentPort!
const recognizer = await loadRecognizer(workerData as RecognizerOptions).catch((err: Error) => {
  port.postMessage({ initError: err.message })
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
  serveModel<Extract<RecognizeRequest, { op: 'read' }>>(port, ready, {
    async work(request, signal, progress) {
      const inputs = request.inputs.map((i) => (typeof i === 'string' ? i : Buffer.from(i.buffer, i.byteOffset, i.byteLength)))
      const results = await recognizer.read(inputs, { signal, onProgress: progress })
      return { value: results, transfer: transferables(results) }
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
