import { LectorError } from '../errors'

/** A page number outside the document is the caller's mistake, named in the user's 1-based terms. */
export function checkPageIndex(path: string, index: number, pageCount: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= pageCount) {
    throw new LectorError('bad-input', `${path} has no page ${index + 1} (it has ${pageCount}).`)
  }
}

/**
 * Decoders' messages name their internals (VipsJpeg, spng, TIFFReadDirectory): say first what a person can
 * act on, and keep the decoder's first line after it for the log and for bug reports.
 */
export function describeDecodeError(path: string, page: number | null, err: unknown): LectorError {
  if (err instanceof LectorError) return err
  const detail = firstLine(err)
  const where = page === null ? path : `page ${page + 1} of ${path}`
  if (/unsupported image format/i.test(detail)) {
    return new LectorError('bad-input', `${path} is not an image Lector can read (unknown or unsupported format).`, { cause: err })
  }
  if (/pixel limit/i.test(detail)) {
    return new LectorError('bad-input', `${where}: the image is too large to open (${detail}).`, { cause: err })
  }
  return new LectorError('unreadable', `Cannot read ${where}: the image is damaged or cut short (${detail}).`, { cause: err })
}

/** A library's message, first line only, without its closing full stop (ours follows the parenthesis). */
export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]
    .trim()
    .replace(/\.$/, '')
}
