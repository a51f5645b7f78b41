import { startWorker } from '../workers'
import { parseAlphabet } from './alphabet'
import { decode as decodeFrames, greedyDecode } from './ctc'
import type { ReadResult, Recognizer, RecognizerOptions } from './recognizer'
import type { RecognizeRequest } from './worker'

/**
 * The engine's recognizer: the same interface as `loadRecognizer`, with the session living in a worker
 * thread (see recognize/worker.ts), so reading a batch never blocks the host's event loop.
 */
export async function startRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const worker = startWorker('recognize-worker', new URL('./worker.ts', import.meta.url), options)
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; progress?: (done: number) => void }>()
  let nextId = 1
  let failure: Error | null = null

  const info = await new Promise<any>((resolve, reject) => {
    worker.on('message', (m: any) => {
      if (m.ready) return resolve(m.ready)
      if (m.initError) return reject(new Error(m.initError))
      const p = pending.get(m.id)
      if (!p) return
      if ('progress' in m) return p.progress?.(m.progress)
      pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(Object.assign(new Error(m.message), { name: m.name }))
    })
    const fail = (err: Error) => {
      failure = err
      reject(err)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the recognition worker stopped (exit code ${code})`)))
  }).catch(async (err) => {
    await worker.terminate()
    throw err
  })

  const alphabet = parseAlphabet(info.alphabetSource.alphabetText, { spaceAtEnd: info.alphabetSource.spaceAtEnd })
  const send = <T>(request: RecognizeRequest, progress?: (done: number) => void) => {
    if (failure) return Promise.reject(failure)
    return new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve, reject, progress })
      worker.postMessage(request)
    })
  }

  return {
    model: info.model,
    alphabet,
    alphabetSource: info.alphabetSource,
    provider: info.provider,
    skippedProviders: info.skippedProviders,
    batchSize: info.batchSize,
    read(inputs, readOptions = {}) {
      const id = nextId++
      const cancel = () => worker.postMessage({ op: 'cancel', id } satisfies RecognizeRequest)
      if (readOptions.signal?.aborted) return Promise.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }))
      readOptions.signal?.addEventListener('abort', cancel, { once: true })
      return send<ReadResult[]>({ op: 'read', id, inputs }, readOptions.onProgress).finally(() =>
        readOptions.signal?.removeEventListener('abort', cancel),
      )
    },
    decode(frames) {
      return { ...decodeFrames(frames, alphabet), greedy: greedyDecode(frames, alphabet), frames: frames.frames }
    },
    async release() {
      if (!failure) await send({ op: 'release', id: nextId++ }).catch(() => undefined)
      await worker.terminate()
    },
  }
}
