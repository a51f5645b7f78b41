// The recognition worker: the ONNX session, image decoding and CTC decoding, off the engine's main
// thread. onnxruntime-node runs a session synchronously on the calling thread (its `run` only defers to
// setImmediate), so on the main thread each batch would stall IPC and the bridge for 50–250 ms.
import { parentPort, workerData } from 'node:worker_threads'
import { loadRecognizer, type ReadResult, type Recognizer, type RecognizerOptions } from './recognizer'

export type RecognizeRequest =
  | { op: 'read'; token: number; inputs: Array<string | Uint8Array> }
  | { op: 'cancel'; token: number }
  | { op: 'release' }

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
  const running = new Map<number, AbortController>()
  const ready: WorkerReady = {
    model: recognizer.model,
    provider: recognizer.provider,
    skippedProviders: recognizer.skippedProviders,
    batchSize: recognizer.batchSize,
    alphabetSource: recognizer.alphabetSource,
  }
  port.postMessage({ ready })
  // Reads run concurrently with the message loop, so a cancel arrives while one is under way.
  port.on('message', async ({ id, request }: { id: number; request: RecognizeRequest }) => {
    if (request.op === 'cancel') return running.get(request.token)?.abort()
    if (request.op === 'release') {
      await recognizer.release()
      return port.postMessage({ id, ok: true, value: null })
    }
    const controller = new AbortController()
    running.set(request.token, controller)
    try {
      const inputs = request.inputs.map((i) => (typeof i === 'string' ? i : Buffer.from(i.buffer, i.byteOffset, i.byteLength)))
      const results = await recognizer.read(inputs, {
        signal: controller.signal,
        onProgress: (done) => port.postMessage({ id, progress: done }),
      })
      port.postMessage({ id, ok: true, value: results }, transferables(results))
    } catch (err) {
      const e = err as Error
      port.postMessage({ id, ok: false, name: e.name, message: e.message })
    } finally {
      running.delete(request.token)
    }
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
