import { connectWorker } from '../workers'
import { parseAlphabet } from './alphabet'
import { decodeIn, scriptClasses, type Recognizer, type RecognizerOptions } from './recognizer'
import type { RecognizeWorker } from './worker'

/**
 * The engine's recognizer: the same interface as `loadRecognizer`, with the session living in a worker
 * thread (see recognize/worker.ts), so reading a batch never blocks the host's event loop.
 */
export async function startRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const worker = await connectWorker<RecognizeWorker>('recognize-worker', new URL('./worker.ts', import.meta.url), options, 'recognition')
  const info = worker.ready
  const alphabet = parseAlphabet(info.alphabetSource.alphabetText, { spaceAtEnd: info.alphabetSource.spaceAtEnd })
  const classesFor = scriptClasses(alphabet)
  return {
    model: info.model,
    alphabet,
    alphabetSource: info.alphabetSource,
    provider: info.provider,
    skippedProviders: info.skippedProviders,
    batchSize: info.batchSize,
    read(inputs, readOptions = {}) {
      return worker.callWith({ signal: readOptions.signal, progress: readOptions.onProgress }, 'read', inputs, readOptions.scripts)
    },
    decode(frames, scripts) {
      return decodeIn(frames, alphabet, classesFor(scripts))
    },
    async release() {
      await worker.call('release').catch(() => undefined)
      await worker.close()
    },
  }
}
