import { connectWorker } from '../workers'
import { parseAlphabet } from './alphabet'
import { decode as decodeFrames, greedyDecode } from './ctc'
import type { ReadResult, Recognizer, RecognizerOptions } from './recognizer'
import type { RecognizeRequest, WorkerReady } from './worker'

/**
 * The engine's recognizer: the same interface as `loadRecognizer`, with the session living in a worker
 * thread (see recognize/worker.ts), so reading a batch never blocks the host's event loop.
 */
export async function startRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const worker = await connectWorker<WorkerReady>('recognize-worker', new URL('./worker.ts', import.meta.url), options, 'recognition')
  const info = worker.ready
  const alphabet = parseAlphabet(info.alphabetSource.alphabetText, { spaceAtEnd: info.alphabetSource.spaceAtEnd })
  // Names each read so a cancel can find it in the worker.
  let nextToken = 1

  return {
    model: info.model,
    alphabet,
    alphabetSource: info.alphabetSource,
    provider: info.provider,
    skippedProviders: info.skippedProviders,
    batchSize: info.batchSize,
    read(inputs, readOptions = {}) {
      if (readOptions.signal?.aborted) return Promise.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }))
      const token = nextToken++
      const cancel = () => worker.post({ op: 'cancel', token } satisfies RecognizeRequest)
      readOptions.signal?.addEventListener('abort', cancel, { once: true })
      return worker
        .call<ReadResult[]>({ op: 'read', token, inputs } satisfies RecognizeRequest, { progress: readOptions.onProgress })
        .finally(() => readOptions.signal?.removeEventListener('abort', cancel))
    },
    decode(frames) {
      return { ...decodeFrames(frames, alphabet), greedy: greedyDecode(frames, alphabet), frames: frames.frames }
    },
    async release() {
      await worker.call({ op: 'release' } satisfies RecognizeRequest).catch(() => undefined)
      await worker.close()
    },
  }
}
