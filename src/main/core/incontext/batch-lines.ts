import Database from 'better-sqlite3'
import type { Decoded } from '../recognize/ctc'
import { decodeFrames } from '../store/frame-codec'
import type { LineInput } from './context'

/** Lines decoded per step while a batch loads: a few MB at a time, never the whole batch at once. */
const CHUNK = 1_000

/**
 * Reads a batch's cached readings straight from the library, in the context worker: the host's main
 * thread neither decodes nor copies a 50,000-line batch (it used to, which blocked it for seconds and
 * held the frames three times over). Read-only; WAL lets it read while the host writes.
 */
export function* batchLines(library: { path: string; nativeBinding?: string }, batchId: number): Generator<LineInput[]> {
  const db = new Database(library.path, { readonly: true, fileMustExist: true, nativeBinding: library.nativeBinding })
  try {
    const rows = db
      .prepare(
        `SELECT l.id, r.text, r.confidence, r.char_confidences AS charConfidences, r.frames, r.k, r.dim,
                r.features, r.top_index AS topIndex, r.top_prob AS topProb, r.blank
         FROM lines l JOIN readings r ON r.line_id = l.id
         WHERE l.batch_id = ? AND r.error IS NULL AND r.features IS NOT NULL ORDER BY l.idx`,
      )
      .iterate(batchId) as IterableIterator<any>
    let chunk: LineInput[] = []
    for (const r of rows) {
      const model: Decoded = {
        text: r.text,
        confidence: r.confidence,
        charConfidences: r.charConfidences ? Array.from(new Float32Array(new Uint8Array(r.charConfidences).buffer)) : [],
      }
      // The fp16 bits as stored (copied: SQLite's buffer may not be 2-byte aligned).
      const half = new Uint16Array(new Uint8Array(r.features).buffer)
      chunk.push({ id: r.id, frames: decodeFrames(r), model, half })
      if (chunk.length === CHUNK) {
        yield chunk
        chunk = []
      }
    }
    if (chunk.length) yield chunk
  } finally {
    db.close()
  }
}
