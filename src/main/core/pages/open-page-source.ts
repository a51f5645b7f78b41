import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { LectorError, unreachable } from '../errors'
import { notRegularFile } from '../safe-files'
import { openBmpSource } from './bmp-source'
import { openImageSource } from './image-source'
import { pageLimits } from './limits'
import { openPdfSource } from './pdf-source'
import { SNIFF_BYTES, sniffFormat } from './sniff'
import type { PageSource } from './types'

export interface PageSourceOptions {
  /** Pages larger than this (pixels) are scaled down to fit; default pageLimits.maxPixels. */
  maxPixels?: number
}

const SUPPORTED = 'JPEG, PNG, WebP, GIF, BMP, TIFF or PDF'

/**
 * Opens an image, a multi-page TIFF or a PDF as upright 8-bit RGB pages. The format is read from the file's
 * first bytes, never from its name. Every failure is a LectorError whose message names the file.
 */
export async function openPageSource(path: string, options: PageSourceOptions = {}): Promise<PageSource> {
  const maxPixels = options.maxPixels ?? pageLimits.maxPixels
  if (!(Number.isFinite(maxPixels) && maxPixels >= 1)) throw new LectorError('bad-input', `maxPixels must be a positive number, not ${maxPixels}.`)
  const head = await readHead(path)
  const format = sniffFormat(head)
  if (!format) {
    const claimed = extname(path).slice(1).toUpperCase()
    const hint = claimed ? ` despite its .${claimed.toLowerCase()} name` : ''
    throw new LectorError('bad-input', `${path} is not a document Lector can read${hint}: its content is not ${SUPPORTED}.`)
  }
  switch (format) {
    case 'pdf':
      return openPdfSource(path, maxPixels)
    case 'bmp':
      return openBmpSource(path, maxPixels)
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return openImageSource(path, format, maxPixels)
    default:
      throw unreachable(format)
  }
}

async function readHead(path: string): Promise<Buffer> {
  let file
  try {
    // Without blocking: a FIFO's open would wait for a writer (see safe-files.ts); it is refused below.
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LectorError('not-found', `File not found: ${path}`, { cause: err })
    if (code === 'EISDIR') throw new LectorError('bad-input', `${path} is a folder, not a document.`, { cause: err })
    throw new LectorError('unreadable', `Cannot open ${path} (${code ?? (err as Error).message}).`, { cause: err })
  }
  try {
    const stats = await file.stat()
    if (stats.isDirectory()) throw new LectorError('bad-input', `${path} is a folder, not a document.`)
    const special = notRegularFile(stats)
    if (special) throw new LectorError('bad-input', `${path} is ${special}: Lector opens only regular files.`)
    if (stats.size === 0) throw new LectorError('bad-input', `${path} is empty (0 bytes).`)
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stats.size))
    const { bytesRead } = await file.read(head, 0, head.length, 0)
    return head.subarray(0, bytesRead)
  } catch (err) {
    if (err instanceof LectorError) throw err
    throw new LectorError('unreadable', `Cannot read ${path} (${(err as Error).message}).`, { cause: err })
  } finally {
    await file.close()
  }
}
