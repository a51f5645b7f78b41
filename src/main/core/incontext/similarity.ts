// Nearest stored frames by cosine similarity, computed by ONNX Runtime: a two-node graph (Gemm with the
// pool transposed, then TopK) built in memory. On 2 cores this is ~15× faster than JavaScript loops and
// uses the same threads as recognition; the graph is tiny, so it is built here rather than shipped.
import ort from 'onnxruntime-node'
import { concat, int, message, text } from '../model/protobuf'

const FLOAT = 1
const INT64 = 7
const FLOAT16 = 10

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  const dim = dims.map((d) => message(1, typeof d === 'number' ? int(1, d) : text(2, d)))
  // ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 } } } }
  return concat([text(1, name), message(2, message(1, int(1, elemType), message(2, ...dim)))])
}

function intsAttribute(name: string, values: number[]) {
  // AttributeProto { name = 1, ints = 8 (repeated), type = 20 (INTS = 7) }
  return message(5, text(1, name), ...values.map((v) => int(8, v)), int(20, 7))
}

function node(op: string, inputs: string[], outputs: string[], attributes: Uint8Array[] = []) {
  return concat([...inputs.map((i) => text(1, i)), ...outputs.map((o) => text(2, o)), text(4, op), ...attributes])
}

function intAttribute(name: string, value: number) {
  // AttributeProto { name = 1, i = 3, type = 20 (INT = 2) }
  return message(5, text(1, name), int(3, value), int(20, 2))
}

// Query rows come as half floats, as the library stores them (so nothing is lost): the graph widens
// them to float for the Gemm, a chunk at a time, which keeps a batch's query matrix at half the memory.
const widen = () => message(1, node('Cast', ['q'], ['qf'], [intAttribute('to', FLOAT)]))

/** The full similarity matrix and each row's maximum: Gemm with the pool transposed, then ReduceMax. */
export function scoresModel(dim: number): Uint8Array {
  const graph = concat([
    widen(),
    message(1, node('Gemm', ['qf', 'p'], ['s'], [intAttribute('transB', 1)])),
    message(1, node('ReduceMax', ['s'], ['max'], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)])),
    text(2, 'scores'),
    message(11, valueInfo('q', FLOAT16, ['n', dim])),
    message(11, valueInfo('p', FLOAT, ['m', dim])),
    message(12, valueInfo('s', FLOAT, ['n', 'm'])),
    message(12, valueInfo('max', FLOAT, ['n'])),
  ])
  return concat([int(1, 8), message(8, text(1, ''), int(2, 13)), message(7, graph)])
}

export function similarityModel(dim: number): Uint8Array {
  const graph = concat([
    widen(),
    message(1, node('Gemm', ['qf', 'p'], ['s'], [intAttribute('transB', 1)])),
    message(1, node('TopK', ['s', 'k'], ['values', 'indices'], [intAttribute('axis', 1)])),
    text(2, 'knn'),
    message(11, valueInfo('q', FLOAT16, ['n', dim])),
    message(11, valueInfo('p', FLOAT, ['m', dim])),
    message(11, valueInfo('k', INT64, [1])),
    message(12, valueInfo('values', FLOAT, ['n', 'kk'])),
    message(12, valueInfo('indices', INT64, ['n', 'kk'])),
  ])
  // ModelProto { ir_version = 1, opset_import = 8 { version = 2 }, graph = 7 }
  return concat([int(1, 8), message(8, text(1, ''), int(2, 13)), message(7, graph)])
}

export interface Neighbours {
  /** n × k similarities (cosine, since every frame is L2-normalised), best first. */
  sims: Float32Array
  /** n × k row indices into the pool matrix. */
  index: Int32Array
  k: number
}

/**
 * Query rows are given as blocks (row-major matrices of `dim` columns, read in order as one) of IEEE half
 * floats (their bits): a batch's query matrix is kept in fixed blocks so that it never has to be copied
 * whole to grow. The pool is float.
 */
export interface SimilaritySearch {
  /** The k most similar pool rows for each query row; k is capped at the pool size. */
  search(queries: Uint16Array[], pool: Float32Array, k: number): Promise<Neighbours>
  /**
   * Every query row's similarity to every pool row, handed to `each` a chunk of rows at a time (row-major,
   * `rows × m`, starting at query row `start`), with each row's best. For a correction's few new entries
   * against the whole batch: the best rules most rows out at once, and choosing the few entries that enter
   * the other rows' lists in JavaScript costs less than ONNX Runtime's TopK.
   */
  scores(queries: Uint16Array[], pool: Float32Array, each: (start: number, rows: number, scores: Float32Array, best: Float32Array) => void): Promise<void>
  release(): Promise<void>
}

/** Runs of at most `chunk` rows over the blocks, each with its first row's index in the whole. */
function* runs(blocks: Uint16Array[], dim: number, chunk: number): Generator<[start: number, rows: number, data: Uint16Array]> {
  let start = 0
  for (const block of blocks) {
    const n = block.length / dim
    for (let i = 0; i < n; i += chunk) {
      const rows = Math.min(chunk, n - i)
      yield [start + i, rows, block.subarray(i * dim, (i + rows) * dim)]
    }
    start += n
  }
}

// The n × m score matrix ONNX Runtime materialises per run is kept under this many floats (160 MB).
const SCORES_PER_RUN = 40_000_000
// Queries per run at most, so a search over a big pool keeps the host responsive between runs.
const QUERY_CHUNK = 4096
// Score matrices against a correction's few entries: this many query rows per run. 65,536 rows made
// 40 MB outputs that cost more to hand over than to compute (long-lines replay: search 29 -> 23 s).
const SCORES_CHUNK = 16_384

export async function createSimilaritySearch(dim: number): Promise<SimilaritySearch> {
  // No memory arena: a search's score matrix can be 160 MB, and an arena would keep its peak for good.
  // ONNX Runtime's threads spin between runs (its default). Turning that off gave the engine's main thread
  // more of a 2-core machine while the worker merges scores (the load bench's longest block during an
  // export 111-157 -> 56 ms) but made updates on 2,000 long lines half as slow again (p95 346 -> 535 ms).
  const options = { executionProviders: ['cpu'], logSeverityLevel: 3, enableCpuMemArena: false } as const
  const session = await ort.InferenceSession.create(similarityModel(dim), options)
  const scoresSession = await ort.InferenceSession.create(scoresModel(dim), options)
  return {
    async scores(queries, pool, each) {
      const m = pool.length / dim
      if (m === 0) return
      const p = new ort.Tensor('float32', pool, [m, dim])
      const chunk = Math.max(256, Math.min(SCORES_CHUNK, Math.floor(SCORES_PER_RUN / m)))
      for (const [start, rows, data] of runs(queries, dim, chunk)) {
        const result = await scoresSession.run({ q: new ort.Tensor('float16', data, [rows, dim]), p })
        each(start, rows, result.s.data as Float32Array, result.max.data as Float32Array)
      }
    },
    async search(queries, pool, kWanted) {
      const n = queries.reduce((sum, b) => sum + b.length, 0) / dim
      const m = pool.length / dim
      const k = Math.min(kWanted, m)
      const sims = new Float32Array(n * k)
      const index = new Int32Array(n * k)
      if (k === 0 || n === 0) return { sims, index, k }
      const p = new ort.Tensor('float32', pool, [m, dim])
      const kt = new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1])
      const chunk = Math.max(256, Math.min(QUERY_CHUNK, Math.floor(SCORES_PER_RUN / m)))
      for (const [start, rows, data] of runs(queries, dim, chunk)) {
        const out = await session.run({ q: new ort.Tensor('float16', data, [rows, dim]), p, k: kt })
        sims.set(out.values.data as Float32Array, start * k)
        const idx = out.indices.data as BigInt64Array
        for (let i = 0; i < idx.length; i++) index[start * k + i] = Number(idx[i])
      }
      return { sims, index, k }
    },
    async release() {
      await session.release()
      await scoresSession.release()
    },
  }
}
