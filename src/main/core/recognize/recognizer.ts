import ort from 'onnxruntime-node'
import type { SkippedProvider } from '../../../shared/api'
import { loadRecModel, type LoadedModel } from '../model/manifest'
import { withExtraOutputs, withTopK } from '../model/onnx-outputs'
import { defaultProviders, openWithFallback } from '../model/providers'
import { openProbedSession } from '../model/session'
import { parseAlphabet, type Alphabet } from './alphabet'
import { decode as decodeFrames, defaultBeam, greedyDecode, type ClassMap, type Decoded } from './ctc'
import { classMap, normalizeScripts, type Script } from './scripts'
import { concatFrames, extractFrames, scaleClass, sliceFrames, TOP_K, type LineFrames } from './frames'
import { bucketWidth, packBatch, prepareLine, splitLongLine, type ImageSource, type Piece, type PreparedLine } from './preprocess'
import { averaged, blurred, hardest } from './views'

export interface Reading {
  /** The engine's reading: CTC prefix beam search (small, nearly harm-free gains over greedy). */
  text: string
  confidence: number
  charConfidences: number[]
  greedy: Decoded
  /** Frames that belong to the line (ceil(resized width / 8)). */
  frames: number
  /** What in-context decoding needs, kept so the line never goes through the model again. */
  cache: LineFrames
}

export type ReadResult = { ok: true; reading: Reading } | { ok: false; error: string }

export interface ReadOptions {
  signal?: AbortSignal
  /** Called after each model batch with the number of inputs finished so far. */
  onProgress?: (done: number) => void
  /** The batch's scripts: decoding outputs only their characters (recognize/scripts.ts); all when absent. */
  scripts?: Script[]
}

export interface Recognizer {
  model: { id: string; name: string }
  alphabet: Alphabet
  /** The alphabet as data (the keys file and its space convention), for threads that need it too. */
  alphabetSource: { alphabetText: string; spaceAtEnd: boolean }
  provider: string
  skippedProviders: SkippedProvider[]
  batchSize: number
  /** Reads every input; a file that cannot be decoded gets its own error, the rest still complete. */
  read(inputs: ImageSource[], options?: ReadOptions): Promise<ReadResult[]>
  /** Decodes cached frames (no model run): the same reading `read` gave, in these scripts (all when absent). */
  decode(frames: LineFrames, scripts?: Script[]): Omit<Reading, 'cache'>
  release(): Promise<void>
}

export interface RecognizerOptions {
  providers?: string[]
  /** Lines per model run; defaults per provider. */
  batchSize?: number
  /**
   * Whether the hardest lines are read a second time in a test-time view (views.ts). Off unless
   * LECTOR_VIEWS=on. Measured again with the space prior and the batch's scripts (tenth session, suite and
   * `--correct 0` on this 2-core machine): the views lower the model's own case-insensitive CER (sroie-dev
   * 3.04 → 2.82 %, forms-dev 10.27 → 9.66 %, fraktur-dev 24.17 → 24.00 %, iiit5k-dev 5.28 → 5.23 %) and
   * receipts and forms end better in context too (sroie-dev 10 % 1.81 → 1.73 %, forms-dev batches of 5
   * 5.44 → 5.29 %), but fraktur-dev ends worse in context (10 % 7.75 → 7.83 %, 20 % 6.15 → 6.25 %), on
   * forms-dev batches of 5 context makes 153 lines worse instead of 60 (it undoes what the averaged
   * posteriors fixed), and recognition takes 1.2–1.36× as long (forms-dev 50.9 → 37.4 lines/s).
   */
  views?: boolean
}

// Lines per model run. On 2 CPU cores small batches were fastest (1–8 measured); GPUs want large batches.
function defaultBatchSize(provider: string): number {
  return provider === 'cpu' ? 4 : 64
}

// Lines decoded ahead of the model: enough to keep sharp's threads busy while ONNX runs.
const CHUNK = 32

export async function loadRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const model = loadRecModel()
  const { manifest } = model
  const alphabet = parseAlphabet(model.alphabetText, { spaceAtEnd: manifest.ctc.spaceAtEnd })
  const { session, provider, skipped, outputs } = await openRecSession(model, options.providers ?? defaultProviders())
  const dim = manifest.featureDim
  const batchSize = options.batchSize ?? defaultBatchSize(provider)
  const height = manifest.preprocess.height
  const views = options.views ?? process.env.LECTOR_VIEWS === 'on'

  async function runBatch(lines: PreparedLine[], bucket: number): Promise<LineFrames[]> {
    const x = new ort.Tensor('float32', packBatch(lines, height, bucket), [lines.length, 3, height, bucket])
    const out = await session.run({ [manifest.input]: x }, [outputs.values, outputs.indices, outputs.blank, manifest.outputs.features])
    const values = out[outputs.values]
    const steps = values.dims[1]
    const batch = {
      values: values.data as Float32Array,
      indices: out[outputs.indices].data as BigInt64Array,
      blank: out[outputs.blank].data as Float32Array,
      features: out[manifest.outputs.features].data as Float32Array,
    }
    // The space's prior is applied here, once, so every decoder and the cache see the same frames.
    const frames = lines.map((line, b) =>
      scaleClass(extractFrames(batch, { steps, k: TOP_K, dim }, b, Math.min(line.frames, steps)), alphabet.space, manifest.ctc.spacePrior),
    )
    for (const t of Object.values(out)) t.dispose?.()
    x.dispose?.()
    return frames
  }

  const classesFor = scriptClasses(alphabet)
  function decode(frames: LineFrames, scripts?: Script[]): Omit<Reading, 'cache'> {
    return decodeIn(frames, alphabet, classesFor(scripts))
  }

  async function prepareAll(inputs: ImageSource[]): Promise<Array<PreparedLine | Error>> {
    return Promise.all(
      inputs.map((input) =>
        prepareLine(input, manifest.preprocess).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      ),
    )
  }

  async function readChunk(prepared: Array<PreparedLine | Error>, signal: AbortSignal | undefined, progress: (n: number) => void, scripts?: Script[]) {
    const results = new Array<ReadResult>(prepared.length)
    const pieces: Array<{ owner: number; piece: Piece; frames?: LineFrames }> = []
    prepared.forEach((p, i) => {
      if (p instanceof Error) results[i] = { ok: false, error: p.message }
      else for (const piece of splitLongLine(p, manifest.preprocess)) pieces.push({ owner: i, piece })
    })
    progress(prepared.filter((p) => p instanceof Error).length)
    await runPieces(pieces, signal, (group) => progress(new Set(group.map((m) => m.owner)).size))
    const framesOf = (list: typeof pieces) => {
      const byOwner = new Map<number, LineFrames[]>()
      for (const m of list) byOwner.set(m.owner, [...(byOwner.get(m.owner) ?? []), m.frames!])
      return byOwner
    }
    for (const [owner, parts] of framesOf(pieces)) {
      const cache = concatFrames(parts)
      results[owner] = { ok: true, reading: { ...decode(cache, scripts), cache } }
    }
    if (views) await secondLook(results, pieces, signal, scripts)
    return results
  }

  /** Runs the pieces' lines through the model, batched by width, each piece keeping its own frames. */
  async function runPieces<T extends { piece: Piece; frames?: LineFrames }>(pieces: T[], signal: AbortSignal | undefined, ran: (group: T[]) => void) {
    const byBucket = new Map<number, typeof pieces>()
    for (const item of pieces) {
      const list = byBucket.get(item.piece.line.bucket) ?? []
      list.push(item)
      byBucket.set(item.piece.line.bucket, list)
    }
    for (const [bucket, members] of [...byBucket].sort((a, b) => a[0] - b[0])) {
      for (let i = 0; i < members.length; i += batchSize) {
        if (signal?.aborted) throw abortError()
        const group = members.slice(i, i + batchSize)
        const frames = await runBatch(group.map((m) => m.piece.line), bucket)
        group.forEach((m, k) => (m.frames = sliceFrames(frames[k], m.piece.keepFrom, m.piece.keepTo)))
        ran(group)
      }
    }
  }

  /**
   * The chunk's hardest lines read again blurred (views.ts); where that view reads another text, the two
   * readings' posteriors averaged are the line's reading and cache. A line both read the same is untouched.
   */
  async function secondLook(results: ReadResult[], pieces: Array<{ owner: number; piece: Piece; frames?: LineFrames }>, signal: AbortSignal | undefined, scripts?: Script[]) {
    const chosen = new Set(hardest(results.map((r) => (r?.ok ? r.reading : null))))
    const again: Array<{ owner: number; piece: Piece; first: LineFrames; frames?: LineFrames }> = pieces
      .filter((m) => chosen.has(m.owner))
      .map((m) => ({ owner: m.owner, piece: { ...m.piece, line: blurred(m.piece.line, height) }, first: m.frames! }))
    await runPieces(again, signal, () => {})
    const byOwner = new Map<number, typeof again>()
    for (const m of again) byOwner.set(m.owner, [...(byOwner.get(m.owner) ?? []), m])
    for (const [owner, parts] of byOwner) {
      const first = results[owner]
      if (!first.ok) continue
      const view = decode(concatFrames(parts.map((m) => m.frames!)), scripts)
      if (view.text === first.reading.text) continue
      const cache = concatFrames(parts.map((m) => averaged(m.first, m.frames!)))
      results[owner] = { ok: true, reading: { ...decode(cache, scripts), cache } }
    }
  }

  return {
    model: { id: model.id, name: model.name },
    alphabet,
    alphabetSource: { alphabetText: model.alphabetText, spaceAtEnd: manifest.ctc.spaceAtEnd },
    provider,
    skippedProviders: skipped,
    batchSize,
    decode,
    async read(inputs, readOptions = {}) {
      const results: ReadResult[] = []
      let done = 0
      const progress = (n: number) => {
        done = Math.min(inputs.length, done + n)
        readOptions.onProgress?.(done)
      }
      let next = prepareAll(inputs.slice(0, CHUNK))
      for (let start = 0; start < inputs.length; start += CHUNK) {
        const prepared = await next
        if (readOptions.signal?.aborted) throw abortError()
        // Decode the next chunk's images while the model runs on this one.
        next = prepareAll(inputs.slice(start + CHUNK, start + 2 * CHUNK))
        results.push(...(await readChunk(prepared, readOptions.signal, progress, readOptions.scripts)))
      }
      return results
    },
    async release() {
      await session.release()
    },
  }
}

/** A line's reading from its frames: beam (the engine's) and greedy, with these classes only. */
export function decodeIn(frames: LineFrames, alphabet: Alphabet, classes: ClassMap | null): Omit<Reading, 'cache'> {
  const beam = decodeFrames(frames, alphabet, { ...defaultBeam, classes })
  return { ...beam, greedy: greedyDecode(frames, alphabet, classes), frames: frames.frames }
}

/** The class maps of an alphabet by scripts, each made once (a map is one pass over 6,625 classes). */
export function scriptClasses(alphabet: Alphabet): (scripts: Script[] | undefined) => ClassMap | null {
  const made = new Map<string, ClassMap | null>()
  return (scripts) => {
    if (!scripts) return null
    const key = normalizeScripts(scripts).join(',')
    if (!made.has(key)) made.set(key, classMap(alphabet, normalizeScripts(scripts)))
    return made.get(key)!
  }
}

// Provider probing fails noisily by design on machines without a GPU; the reasons are recorded instead.
ort.env.logLevel = 'fatal'

/**
 * The recognizer as the engine runs it: the exported graph plus, in memory, the per-frame features as an
 * output and each frame's top-k classes and blank probability (so the full softmax never leaves the
 * session). Each provider is tried in turn and must run a line before it is chosen.
 */
export async function openRecSession(model: LoadedModel, providers: string[]) {
  const { manifest } = model
  const { bytes, outputs } = withTopK(withExtraOutputs(model.bytes, [manifest.outputs.features]), manifest.outputs.posteriors, TOP_K, manifest.ctc.blank)
  const fetches = [outputs.values, outputs.indices, outputs.blank, manifest.outputs.features]
  const chosen = await openWithFallback(providers, (ep) => openSession(bytes, ep, model, fetches))
  return { ...chosen, outputs, fetches }
}

/** A session proven by one run at the smallest width, which must give every output the engine fetches. */
function openSession(bytes: Uint8Array, provider: string, model: LoadedModel, fetches: string[]): Promise<ort.InferenceSession> {
  return openProbedSession(bytes, provider, async (session) => {
    const { height, minWidth } = model.manifest.preprocess
    const width = bucketWidth(minWidth, minWidth)
    const x = new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width])
    const out = await session.run({ [model.manifest.input]: x }, fetches)
    for (const name of fetches) {
      if (!out[name]) throw new Error(`the model has no output ${name}`)
    }
  })
}

function abortError(): Error {
  const err = new Error('cancelled')
  err.name = 'AbortError'
  return err
}
