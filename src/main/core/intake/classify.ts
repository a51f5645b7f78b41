import sharp from 'sharp'
import { pageLimits } from '../pages/limits'
import { SNIFF_BYTES, sniffFormat } from '../pages/sniff'
import { formatBytes, notRegularFile, openForReading } from '../safe-files'

/**
 * What a dropped file is to a batch: a line image (already cut: read as it is), a document (a page scan,
 * a multi-page TIFF, a PDF: its lines are found first), or neither. Decided by content, not by name.
 */
export type FileKind = 'line' | 'document' | 'unknown'
/** A file that is not opened at all, and why: not a regular file (a FIFO, a device, a socket), or too large. */
export interface Refused {
  refused: string
}

// A page scan is large in both directions; cut lines and word crops are not (the largest crop of the
// evaluation sets is 1,017 × 267 px; a receipt page is ~1,000 × 2,000 px; a 100,000-px-wide line is still
// 20 px high). Orientation does not matter: a line cut from a page turned 90° is still a line. A headline
// crop taken for a page costs little (detection finds its one line); a page taken for a line would be
// read as one garbled line, so the bar is set low.
const PAGE_MIN_SHORT_SIDE = 300
const PAGE_MIN_PIXELS = 400_000

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
    return Math.min(width, height) >= PAGE_MIN_SHORT_SIDE && width * height >= PAGE_MIN_PIXELS ? 'document' : 'line'
  } catch {
    // A damaged image (or a BMP, which sharp cannot read): read as a line, whose reading fails with the
    // decoder's own message, or a document whose page source explains it. A line is the smaller loss.
    return format === 'bmp' ? 'document' : 'line'
  }
}
