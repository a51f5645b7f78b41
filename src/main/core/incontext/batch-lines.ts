import Database from 'better-sqlite3'
import type { Decoded } from '../recognize/ctc'
import { storedScripts, type Script } from '../recognize/scripts'
import { decodeFrames, type EncodedFrames } from '../store/frame-codec'
import { decodeHalf, halfBits } from '../store/half'
import type { LineInput } from './context'
import { Slab } from './slab'

type Library = { path: string; nativeBinding?: string }

/** The library, read-only: WAL lets the worker read while the host writes. */
const openReadonly = (library: Library) => new Database(library.path, { readonly: true, fileMustExist: true, nativeBinding: library.nativeBinding })

const NO_FEATURES = Buffer.alloc(0)

/** A line's reading and frames as the library keeps them (store/frame-codec.ts). */
interface StoredLine extends EncodedFrames {
  id: number
  text: string
  confidence: number
  charConfidences: Buffer | null
}

/** Lines decoded per step while a batch loads: a few MB at a time, never the whole batch at once. */
const CHUNK = 1_000

const LINE_COLUMNS = `l.id, r.text, r.confidence, r.char_confidences AS charConfidences, f.frames, f.k, f.dim,
  f.features, f.top_index AS topIndex, f.top_prob AS topProb, f.blank
  FROM lines l JOIN readings r ON r.line_id = l.id JOIN reading_frames f ON f.line_id = l.id`

/** A stored line as the context takes it: the features stay half floats (they only become query rows). */
function lineInput(r: StoredLine, slab: Slab): LineInput {
  const model: Decoded = {
    text: r.text,
    confidence: r.confidence,
    charConfidences: r.charConfidences ? Array.from(new Float32Array(new Uint8Array(r.charConfidences).buffer)) : [],
  }
  // Decoding them to floats here only cost time (~1.3 billion bytes at 50,000 lines); a correction's are
  // read again when it is aligned.
  return { id: r.id, frames: decodeFrames({ ...r, features: NO_FEATURES }, slab), half: halfBits(r.features), model }
}

/**
 * Reads a batch's cached readings straight from the library, in the context worker: the host's main
 * thread neither decodes nor copies a 50,000-line batch (it used to, which blocked it for seconds and
 * held the frames three times over). Read-only; WAL lets it read while the host writes — the recognition
 * job goes on writing while a batch's context loads, and the lines it reads later come by id (`byIds`).
 */
export interface BatchReader {
  /** The batch's lines read so far, in chunks. */
  lines(batchId: number): Generator<LineInput[]>
  /** The lines of `ids` that have a reading (a line that failed has none), in batch order. */
  byIds(ids: number[]): LineInput[]
  /** The batch's scripts (null: not chosen or proposed yet, every class). */
  scripts(batchId: number): Script[] | null
  close(): void
}

export function batchReader(library: Library): BatchReader {
  const db = openReadonly(library)
  // The frames are kept as long as the batch is open: in slabs, not one buffer each.
  const slab = new Slab()
  const all = db.prepare(`SELECT ${LINE_COLUMNS} WHERE l.batch_id = ? AND r.error IS NULL ORDER BY l.idx`)
  const scriptsOf = db.prepare('SELECT scripts FROM batches WHERE id = ?')
  const some = db.prepare(`SELECT ${LINE_COLUMNS} WHERE l.id IN (SELECT value FROM json_each(?)) AND r.error IS NULL ORDER BY l.idx`)
  return {
    *lines(batchId: number): Generator<LineInput[]> {
      let chunk: LineInput[] = []
      for (const r of all.iterate(batchId) as IterableIterator<StoredLine>) {
        chunk.push(lineInput(r, slab))
        if (chunk.length === CHUNK) {
          yield chunk
          chunk = []
        }
      }
      if (chunk.length) yield chunk
    },
    byIds(ids: number[]): LineInput[] {
      return (some.all(JSON.stringify(ids)) as StoredLine[]).map((r) => lineInput(r, slab))
    },
    scripts(batchId: number): Script[] | null {
      return storedScripts((scriptsOf.get(batchId) as { scripts: string | null } | undefined)?.scripts)
    },
    close: () => db.close(),
  }
}

/** All of a batch's lines at once, then the library closed (tests and research replays). */
export function* batchLines(library: Library, batchId: number): Generator<LineInput[]> {
  const reader = batchReader(library)
  try {
    yield* reader.lines(batchId)
  } finally {
    reader.close()
  }
}

/**
 * Reads one line's stored features again, for aligning its correction: the context keeps them out of
 * memory (about 10 KB a line, 500 MB for a 50,000-line batch). Null when the line has no reading.
 */
export function featureReader(library: Library): { read: (lineId: number) => Float32Array | null; close: () => void } {
  const db = openReadonly(library)
  const get = db.prepare('SELECT features FROM reading_frames WHERE line_id = ?')
  return {
    read: (lineId) => {
      const row = get.get(lineId) as { features: Uint8Array } | undefined
      return row ? decodeHalf(row.features) : null
    },
    close: () => db.close(),
  }
}
