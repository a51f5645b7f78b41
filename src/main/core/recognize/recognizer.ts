import ort from 'onnxruntime-node'
import type { SkippedProvider } from '../../../shared/api'
import { loadRecModel, type LoadedModel } from '../model/manifest'
import { withExtraOutputs } from '../model/onnx-outputs'
import { defaultProviders, openWithFallback } from '../model/providers'
import { parseAlphabet, type Alphabet } from './alphabet'
import { greedyDecode } from './ctc'
import { bucketWidth, packBatch, prepareLine, type ImageSource, type PreparedLine } from './preprocess'

export interface Reading {
  text: string
  confidence: number
  charConfidences: number[]
  /** Frames that belong to the line (ceil(resized width / 8)). */
  frames: number
}

export type ReadResult = { ok: true; reading: Reading } | { ok: false; error: string }

export interface ReadOptions {
  signal?: AbortSignal
  /** Called after each model batch with the number of inputs finished so far. */
  onProgress?: (done: number) => void
}

export interface Recognizer {
  model: { id: string; name: string }
  alphabet: Alphabet
  provider: string
  skippedProviders: SkippedProvider[]
  /** Reads every input; a file that cannot be decoded gets its own error, the rest still complete. */
  read(inputs: ImageSource[], options?: ReadOptions): Promise<ReadResult[]>
  release(): Promise<void>
}

export interface RecognizerOptions {
  providers?: string[]
  /** Lines per model run; defaults per provider (CPU: small batches were fastest on 2 cores). */
  batchSize?: number
}

// Lines decoded ahead of the model: enough to keep sharp's threads busy while ONNX runs.
const CHUNK = 32

export async function loadRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const model = loadRecModel()
  const { manifest } = model
  const alphabet = parseAlphabet(model.alphabetText, { spaceAtEnd: manifest.ctc.spaceAtEnd })
  const bytes = withExtraOutputs(model.bytes, [manifest.outputs.features])
  const { session, provider, skipped } = await openWithFallback(options.providers ?? defaultProviders(), (ep) =>
    openSession(bytes, ep, model),
  )
  const classes = alphabet.size
  const batchSize = options.batchSize ?? (provider === 'cpu' ? 4 : 32)
  const height = manifest.preprocess.height

  async function runBatch(lines: PreparedLine[], bucket: number): Promise<Reading[]> {
    const x = new ort.Tensor('float32', packBatch(lines, height, bucket), [lines.length, 3, height, bucket])
    const out = await session.run({ [manifest.input]: x })
    const probs = out[manifest.outputs.posteriors]
    const steps = probs.dims[1]
    const data = probs.data as Float32Array
    const readings = lines.map((line, b) => {
      const frames = Math.min(line.frames, steps)
      return { ...greedyDecode(data, b * steps * classes, frames, classes, alphabet), frames }
    })
    for (const t of Object.values(out)) t.dispose?.()
    x.dispose?.()
    return readings
  }

  async function prepareAll(inputs: ImageSource[]): Promise<Array<PreparedLine | Error>> {
    return Promise.all(
      inputs.map((input) =>
        prepareLine(input, manifest.preprocess).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      ),
    )
  }

  return {
    model: { id: model.id, name: model.name },
    alphabet,
    provider,
    skippedProviders: skipped,
    async read(inputs, readOptions = {}) {
      const results: ReadResult[] = new Array(inputs.length)
      let done = 0
      let next = prepareAll(inputs.slice(0, CHUNK))
      for (let start = 0; start < inputs.length; start += CHUNK) {
        const prepared = await next
        if (readOptions.signal?.aborted) throw abortError()
        // Decode the next chunk while the model runs on this one.
        next = prepareAll(inputs.slice(start + CHUNK, start + 2 * CHUNK))
        const byBucket = new Map<number, number[]>()
        prepared.forEach((p, i) => {
          if (p instanceof Error) {
            results[start + i] = { ok: false, error: p.message }
            done++
            return
          }
          const list = byBucket.get(p.bucket) ?? []
          list.push(i)
          byBucket.set(p.bucket, list)
        })
        for (const [bucket, members] of [...byBucket].sort((a, b) => a[0] - b[0])) {
          for (let i = 0; i < members.length; i += batchSize) {
            if (readOptions.signal?.aborted) throw abortError()
            const group = members.slice(i, i + batchSize)
            const readings = await runBatch(group.map((j) => prepared[j] as PreparedLine), bucket)
            group.forEach((j, k) => (results[start + j] = { ok: true, reading: readings[k] }))
            done += group.length
            readOptions.onProgress?.(done)
          }
        }
        readOptions.onProgress?.(done)
      }
      return results
    },
    async release() {
      await session.release()
    },
  }
}

// Provider probing fails noisily by design on machines without a GPU; the reasons are recorded instead.
ort.env.logLevel = 'fatal'

async function openSession(bytes: Uint8Array, provider: string, model: LoadedModel): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  })
  try {
    // Prove the provider can run the graph, not just build it, and that both outputs exist.
    const { height, minWidth } = model.manifest.preprocess
    const width = bucketWidth(minWidth, minWidth)
    const x = new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width])
    const out = await session.run({ [model.manifest.input]: x })
    for (const name of Object.values(model.manifest.outputs)) {
      if (!out[name]) throw new Error(`the model has no output ${name}`)
    }
  } catch (err) {
    await session.release()
    throw err
  }
  return session
}

function abortError(): Error {
  const err = new Error('cancelled')
  err.name = 'AbortError'
  return err
}
