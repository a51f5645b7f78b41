import { LectorError } from '../errors'
import { readRegularFile } from '../safe-files'
import { pageLimits } from './limits'

/**
 * The whole file, for readers that need it in memory (pdf.js, the BMP decoder): a regular file only (a FIFO
 * or a device would block a thread or never end), at most pageLimits.maxFileBytes, every failure in words.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  try {
    return await readRegularFile(path, { maxBytes: pageLimits.maxFileBytes, what: 'a document' })
  } catch (err) {
    if (err instanceof LectorError) throw err
    throw new LectorError('unreadable', `Cannot read ${path} (${(err as Error).message}).`, { cause: err })
  }
}
