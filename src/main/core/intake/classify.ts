import sharp from 'sharp'
import { pageLimits } from '../pages/limits'
import type { Quad } from '../pages/types'
import { SNIFF_BYTES, sniffFormat } from '../pages/sniff'
import { formatBytes, notRegularFile, openForReading } from '../safe-files'

/**
 * What a dropped file is to a batch: a line image (already cut: read as it is), a document (a page scan,
 * a multi-page TIFF, a PDF: its lines are found first), an image whose size does not tell (its lines are
 * found, and it is a line after all when they are one line filling it: see isOneLine), or neither.
 * Decided by content, not by name.
 */
export type FileKind = 'line' | 'document' | 'page-or-line' | 'unknown'
/** A file that is not opened at all, and why: not a regular file (a FIFO, a device, a socket), or too large. */
export interface Refused {
  refused: string
}

// A page scan is large in both directions; cut lines and word crops are not. The evaluation sets' crops
// have a short side of at most 267 px (iiit5k's scene words; sroie's and forms' at most 123), their pages
// at least 584 px; but a phone photo or a small scan of a receipt (463 × 605 px) is a page too, smaller than
// some crops. So size decides only at the ends: under LINE_MAX_SHORT_SIDE an image holds one line of text
// at most (the recognizer reads a line 48 px high), at PAGE_MIN_SHORT_SIDE and PAGE_MIN_PIXELS it is a
// page; in between, detection decides (a few milliseconds on an image that small).
const LINE_MAX_SHORT_SIDE = 64
const PAGE_MIN_SHORT_SIDE = 300
const PAGE_MIN_PIXELS = 400_000
// A long strip under a page's width is a line whatever its height: a page (even a long receipt) is at most
// a few times as long as it is wide, while a line of text is often ten times as long as it is high, or far
// more (a 100,000 × 96 px crop, past what a page may measure, is still one line to read in windows).
const LINE_MIN_ASPECT = 10

/** By its size alone: a line, a page, or either. Orientation does not matter: a line turned 90° is a line. */
export function kindBySize(width: number, height: number): FileKind {
  const short = Math.min(width, height)
  if (short < LINE_MAX_SHORT_SIDE) return 'line'
  if (short < PAGE_MIN_SHORT_SIDE && Math.max(width, height) >= LINE_MIN_ASPECT * short) return 'line'
  return short >= PAGE_MIN_SHORT_SIDE && width * height >= PAGE_MIN_PIXELS ? 'document' : 'page-or-line'
}

// A cut line is its line and a margin: its text stands in one row, and that row is a good part of the
// image's height (a crop's padding is a fraction of its line; sroie-dev's crops: the row is 28 % of the
// crop's height at the least). A page's lines stack, or leave most of it blank: one line on a page is a few
// percent of its height.
const LINE_FILLS_HEIGHT = 0.25
/** Boxes side by side (a word gap DB split at, a line bending across a page) share most of their height. */
const SAME_ROW = 0.5

interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/**
 * The height of the one row the boxes stand in, left to right (each overlapping the next by half the
 * smaller's height, so a bending line is one row), or null when they stand in several.
 */
function rowHeight(boxes: Box[]): number | null {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0)
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]
    const b = sorted[i]
    const shared = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0)
    if (shared < SAME_ROW * Math.min(a.y1 - a.y0, b.y1 - b.y0)) return null
  }
  return Math.max(...boxes.map((b) => b.y1)) - Math.min(...boxes.map((b) => b.y0))
}

/**
 * Whether the lines detection found in an image of `width` × `height` make it a cut line: none (nothing
 * to find lines in: read it whole), or boxes in one row a good part of its height — either way round (a
 * line turned 90° stands in one column).
 */
export function isOneLine(quads: Quad[], width: number, height: number): boolean {
  if (!quads.length) return true
  const boxes: Box[] = quads.map((q) => {
    const xs = q.map((p) => p[0])
    const ys = q.map((p) => p[1])
    return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) }
  })
  const across = rowHeight(boxes)
  if (across !== null && across >= LINE_FILLS_HEIGHT * height) return true
  // Stacked lines also stand in one column: a line turned 90° is one of tall boxes.
  if (!boxes.every((b) => b.y1 - b.y0 > b.x1 - b.x0)) return false
  const down = rowHeight(boxes.map((b) => ({ x0: b.y0, y0: b.x0, x1: b.y1, y1: b.x1 })))
  return down !== null && down >= LINE_FILLS_HEIGHT * width
}

export async function classifyFile(path: string): Promise<FileKind | Refused> {
  let head: Uint8Array
  try {
    // Opened without blocking, and only a regular file read: a FIFO here held an I/O thread forever.
    const { handle, stats } = await openForReading(path)
    try {
      const special = notRegularFile(stats)
      if (special) return { refused: special }
      if (stats.size > pageLimits.maxFileBytes) {
        return { refused: `too large (${formatBytes(stats.size)}; Lector opens files of at most ${formatBytes(pageLimits.maxFileBytes)})` }
      }
      const buffer = Buffer.alloc(SNIFF_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
      head = buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch {
    return 'unknown'
  }
  const format = sniffFormat(head)
  if (format === 'pdf') return 'document'
  if (!format) return 'unknown'
  try {
    // PNG (most cut lines) states its size at a fixed place; other formats through sharp's header read.
    // No pixels are decoded either way.
    const { width, height, pages } =
      format === 'png' && head.length >= 24
        ? { width: Buffer.from(head).readUInt32BE(16), height: Buffer.from(head).readUInt32BE(20), pages: 1 }
        : await sharp(path, { limitInputPixels: false }).metadata().then((m) => ({ width: m.width ?? 0, height: m.height ?? 0, pages: m.pages ?? 1 }))
    if (pages > 1) return 'document'
    return kindBySize(width, height)
  } catch {
    // A damaged image: read as a line, whose reading fails with the decoder's own message (the smaller
    // loss). A BMP, which sharp cannot read: its page source reads it, and its lines decide what it is.
    return format === 'bmp' ? 'page-or-line' : 'line'
  }
}
