// A batch's neighbour lists on disk, beside the library (`library.db-context/batch-<id>.lists`), written
// by the context worker when the batch is closed and read when it is opened again. A cache: a file that
// is missing, damaged or stale (its digests no longer match: NeighbourIndex.restore) only means the
// lists are searched again. Written beside its name, then renamed, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SavedBatchLists } from './context'
import type { SavedLists } from './neighbour-index'

const MAGIC = 'lector-lists-1'

export const listsPath = (libraryPath: string, batchId: number) => join(`${libraryPath}-context`, `batch-${batchId}.lists`)

interface Header {
  magic: string
  stores: Record<'chars' | 'gaps', { digest: string; rows: number; k: number }>
}

export function writeLists(path: string, lists: SavedBatchLists): void {
  const header: Header = {
    magic: MAGIC,
    stores: {
      chars: { digest: lists.chars.digest, rows: lists.chars.rows, k: lists.chars.k },
      gaps: { digest: lists.gaps.digest, rows: lists.gaps.rows, k: lists.gaps.k },
    },
  }
  const head = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(4)
  length.writeUInt32LE(head.length)
  // The arrays start 8-aligned, so that they can be read in place.
  const pad = Buffer.alloc((8 - ((4 + head.length) % 8)) % 8)
  const parts: Uint8Array[] = [length, head, pad]
  for (const store of [lists.chars, lists.gaps]) {
    for (const a of [store.sims, store.ranks, store.counts]) parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    const tail = store.counts.byteLength % 8
    if (tail) parts.push(Buffer.alloc(8 - tail))
  }
  mkdirSync(dirname(path), { recursive: true })
  const partial = `${path}.partial`
  try {
    writeFileSync(partial, Buffer.concat(parts))
    renameSync(partial, path)
  } catch (err) {
    // A full disk must not keep what was written of it.
    rmSync(partial, { force: true })
    throw err
  }
}

/** The saved lists, or null when there are none or the file is not one this writes. */
export function readLists(path: string): SavedBatchLists | null {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return null
  }
  try {
    const size = file.readUInt32LE(0)
    const header = JSON.parse(file.subarray(4, 4 + size).toString('utf8')) as Header
    if (header.magic !== MAGIC) return null
    // A copy on an 8-aligned buffer of its own: the arrays are views into it.
    const bytes = new Uint8Array(file.byteLength)
    bytes.set(file)
    let at = 4 + size + ((8 - ((4 + size) % 8)) % 8)
    const take = <T>(make: (buffer: ArrayBuffer, offset: number, n: number) => T, n: number, width: number): T => {
      if (at + n * width > bytes.byteLength) throw new Error('the file is cut short')
      const out = make(bytes.buffer, at, n)
      at += n * width
      return out
    }
    const store = (h: Header['stores']['chars']): SavedLists => {
      const n = h.rows * h.k
      const sims = take((b, o, m) => new Float32Array(b, o, m), n, 4)
      const ranks = take((b, o, m) => new Int32Array(b, o, m), n, 4)
      const counts = take((b, o, m) => new Uint8Array(b, o, m), h.rows, 1)
      at += (8 - (h.rows % 8)) % 8
      return { digest: h.digest, rows: h.rows, k: h.k, sims, ranks, counts }
    }
    return { chars: store(header.stores.chars), gaps: store(header.stores.gaps) }
  } catch {
    return null
  }
}
