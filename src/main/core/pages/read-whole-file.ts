import { readFile } from 'node:fs/promises'
import { LectorError } from '../errors'

/**
 * The whole file, for readers that need it in memory (pdf.js, the BMP decoder). Node refuses files over 2 GiB
 * with ERR_FS_FILE_TOO_LARGE: say that in words, like every other failure here.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new LectorError('bad-input', `${path} is too large to open (over 2 GB).`, { cause: err })
    if (code === 'ENOENT') throw new LectorError('not-found', `File not found: ${path}`, { cause: err })
    throw new LectorError('unreadable', `Cannot read ${path} (${code ?? (err as Error).message}).`, { cause: err })
  }
}
