import { connectWorker } from '../workers'
import { parseAlphabet } from './alphabet'
import { decode as decodeFrames, greedyDecode } from './ctc'
import type { Recognizer, RecognizerOptions } from './recognizer'
import type { RecognizeWorker } from './worker'

/**
 * The engine's recognizer: the same interface as `loadRecognizer`, with the session living in a worker
 * thread (see recognize/worker.ts), so reading a batch never blocks the host's event loop.
 */
export async function startRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const worker = await connectWorker<RecognizeWorker>('recognize-worker', new URL('./worker.ts', import.meta.url), options, 'recognition')
  const info = worker.ready
  const alphabet = parseAlphabet(info.alphabetSource.alphabetText, { spaceAtEnd: info.alphabetSource.spaceAtEnd })
  return {
    model: info.model,
    alphabet,
    alphabetSource: info.alphabetSource,
    provider: info.provider,
    skippedProviders: info.skippedProviders,
    batchSize: info.batchSize,
    read(inputs, readOptions = {}) {
      return worker.callWith({ signal: readOptions.signal, progress: readOptions.onProgress }, 'read', inputs)
    },
    decode(frames) {
      return { ...decodeFrames(frames, alphabet), greedy: greedyDecode(frames, alphabet), frames: frames.frames }
    },
    async release() {
      await worker.call('release').catch(() => undefined)
      await worker.close()
    },
  }
}
