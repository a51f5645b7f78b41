// Files the engine reads and writes for the user (documents, pools, exports), safely:
// - only regular files: a FIFO's open waits for a writer that never comes (holding one of libuv's four I/O
//   threads: five of them froze the engine), a device never ends (/dev/zero) or is not a file at all;
// - reads bounded in size and never synchronous, so no file can fill the memory or stall the main thread;
// - writes to a temporary file beside the target, renamed over it only when whole, an existing file replaced
//   only when the caller says so, never through a symbolic link or onto anything but a regular file;
// - failures in words: what failed, why (a full disk, a write-protected folder), and what is safe.
import { randomUUID } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { chmod, link, lstat, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { LectorError } from './errors'

/** What a file system entry is: a Stats, or a Dirent from readdir. */
export type EntryType = Pick<Stats, 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>

/** Why a file system entry is not a regular file, in words; null when it is one. */
export function notRegularFile(stats: EntryType): string | null {
  if (stats.isFile()) return null
  if (stats.isDirectory()) return 'a folder'
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isFIFO()) return 'a named pipe (FIFO), not a regular file'
  if (stats.isSocket()) return 'a socket, not a regular file'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device, not a regular file'
  return 'not a regular file'
}

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer; it does nothing
// to a regular file. (Windows has no FIFOs in the file system, nor the flag.)
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * Opens a path for reading without waiting on it, and says what it is: the caller decides what to do with
 * anything but a regular file (and closes the handle). File system errors are thrown as they come.
 */
export async function openForReading(path: string): Promise<{ handle: FileHandle; stats: Stats }> {
  const handle = await open(path, READ_FLAGS)
  try {
    return { handle, stats: await handle.stat() }
  } catch (err) {
    await handle.close().catch(() => undefined)
    throw err
  }
}

/**
 * Opens a regular file for reading, refusing anything else before a byte is read. `what` names the file in
 * messages ("the pool file", "the image").
 */
export async function openRegularFile(path: string, what = 'the file'): Promise<{ handle: FileHandle; size: number }> {
  let opened: { handle: FileHandle; stats: Stats }
  try {
    opened = await openForReading(path)
  } catch (err) {
    throw readError(err, path, what)
  }
  const why = notRegularFile(opened.stats)
  if (why) {
    await opened.handle.close().catch(() => undefined)
    throw new LectorError('bad-input', `${path} is ${why}: Lector opens only regular files.`)
  }
  return { handle: opened.handle, size: opened.stats.size }
}

/** A regular file's bytes, at most `maxBytes` of them (a larger file is refused, in words, without reading it). */
export async function readRegularFile(path: string, options: { maxBytes: number; what?: string }): Promise<Buffer> {
  const what = options.what ?? 'the file'
  const { handle, size } = await openRegularFile(path, what)
  try {
    if (size > options.maxBytes) throw tooLarge(path, what, options.maxBytes)
    // As large as the file says, read in place; then to the end rather than trusting the size (a file may
    // grow while it is read, or not know its size), in growing pieces, up to the bound.
    const whole = Buffer.allocUnsafe(size)
    let total = 0
    while (total < size) {
      const { bytesRead } = await handle.read(whole, total, size - total, total)
      if (bytesRead === 0) break
      total += bytesRead
    }
    const chunks = [whole.subarray(0, total)]
    for (let piece = 64 * 1024; ; piece = Math.min(piece * 2, 16 * 2 ** 20)) {
      const buffer = Buffer.allocUnsafe(Math.min(piece, options.maxBytes + 1 - total))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, total)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > options.maxBytes) throw tooLarge(path, what, options.maxBytes)
      chunks.push(buffer.subarray(0, bytesRead))
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
  } catch (err) {
    throw err instanceof LectorError ? err : readError(err, path, what)
  } finally {
    await handle.close().catch(() => undefined)
  }
}

function tooLarge(path: string, what: string, maxBytes: number): LectorError {
  return new LectorError('bad-input', `${path} is too large for ${what} (Lector reads at most ${formatBytes(maxBytes)}).`)
}

function readError(err: unknown, path: string, what: string): LectorError {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new LectorError('not-found', `File not found: ${path}`, { cause: err })
  if (code === 'EISDIR') return new LectorError('bad-input', `${path} is a folder, not ${what}.`, { cause: err })
  if (code === 'EACCES' || code === 'EPERM') return new LectorError('unreadable', `Cannot read ${path}: permission denied.`, { cause: err })
  return new LectorError('unreadable', `Cannot read ${path} (${code ?? (err as Error).message}).`, { cause: err })
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GB`
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MB`
  return `${Math.ceil(bytes / 1024)} KB`
}

/** Why a write failed, in words a reviewer can act on; the system's code stays in parentheses. */
export function describeWriteFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full'
    case 'EFBIG':
      return 'the file is larger than the disk (or this account) allows'
    case 'EROFS':
      return 'the disk is write-protected (read-only)'
    case 'EACCES':
    case 'EPERM':
      return 'the folder is write-protected (permission denied)'
    case 'EIO':
      return 'the disk reported an error (EIO)'
    case 'ENAMETOOLONG':
      return 'the name is too long for this disk'
    default:
      return code ? `the system refused it (${code})` : (err as Error | null)?.message ?? String(err)
  }
}

/** A file being written: pieces go to a temporary file beside the target; `commit` puts it in place. */
export interface SafeFileWriter {
  /** The absolute path the file will have. */
  readonly path: string
  write(chunk: string | Uint8Array): Promise<void>
  /** Flushes the file to the disk and renames it over the target (refused if one appeared meanwhile and `overwrite` is off). */
  commit(): Promise<void>
  /** Removes the temporary file; the target is left as it was. */
  abort(): Promise<void>
}

/**
 * Starts writing `target` (an absolute path). Refused before anything is written: a relative path (the
 * engine's working directory means nothing to whoever asked), a folder that does not exist, a target that is
 * a symbolic link, a folder or a special file, and an existing file unless `overwrite`. `what` names the
 * file in messages ("the export", "the pool file").
 */
export async function createFileSafely(target: string, options: { overwrite: boolean; what: string }): Promise<SafeFileWriter> {
  const { overwrite, what } = options
  if (!isAbsolute(target)) throw new LectorError('bad-input', `${target} is not a full path: give the folder as well as the file name.`)
  const folder = dirname(target)
  const folderInfo = await stat(folder).catch(() => null)
  if (!folderInfo?.isDirectory()) throw new LectorError('not-found', `There is no folder ${folder} to write ${what} into.`)
  const existing = await checkTarget(target, overwrite, what)
  const partial = join(folder, `.${basename(target)}.${randomUUID().slice(0, 8)}.partial`)
  let handle: FileHandle
  try {
    // wx: created here and now, never an existing file or a link planted under the temporary name.
    handle = await open(partial, 'wx')
  } catch (err) {
    throw writeError(err, target, what)
  }
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await handle.close()
  }
  const abort = async () => {
    await close().catch(() => undefined)
    await rm(partial, { force: true }).catch(() => undefined)
  }
  return {
    path: target,
    async write(chunk) {
      try {
        await handle.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
      } catch (err) {
        await abort()
        throw writeError(err, target, what)
      }
    },
    async commit() {
      try {
        await handle.sync()
        await close()
        // A replaced file keeps its permissions.
        if (existing) await chmod(partial, existing.mode & 0o7777).catch(() => undefined)
        await place(partial, target, overwrite, what)
      } catch (err) {
        await abort()
        throw err instanceof LectorError ? err : writeError(err, target, what)
      }
    },
    abort,
  }
}

/** The existing target's details when it may be replaced; refuses what must not be written over. */
async function checkTarget(target: string, overwrite: boolean, what: string): Promise<Stats | null> {
  const info = await lstat(target).catch(() => null)
  if (!info) return null
  if (info.isSymbolicLink()) {
    throw new LectorError('bad-input', `${target} is a symbolic link: Lector does not write through links. Choose another name for ${what}.`)
  }
  if (info.isDirectory()) throw new LectorError('bad-input', `${target} is a folder: give a file name.`)
  const why = notRegularFile(info)
  if (why) throw new LectorError('bad-input', `${target} is ${why}: Lector writes only regular files. Choose another name for ${what}.`)
  if (!overwrite) throw new LectorError('exists', `${target} already exists. It is replaced only when you say so.`)
  return info
}

/**
 * Puts the whole temporary file in place. Without `overwrite`, a hard link makes the new name appear only if
 * it is still free (atomically; a file that appeared meanwhile is kept); with it, a rename replaces the target,
 * checked again just before, so a link or a special file put there meanwhile is not replaced either.
 */
async function place(partial: string, target: string, overwrite: boolean, what: string): Promise<void> {
  if (!overwrite) {
    try {
      await link(partial, target)
      await unlink(partial).catch(() => undefined)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') await checkTarget(target, false, what)
      // A file system without hard links (FAT, some network shares): checked, then renamed.
    }
  }
  await checkTarget(target, overwrite, what)
  try {
    await rename(partial, target)
  } catch (err) {
    throw writeError(err, target, what)
  }
}

function writeError(err: unknown, target: string, what: string): LectorError {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new LectorError('not-found', `There is no folder ${dirname(target)} to write ${what} into.`, { cause: err })
  return new LectorError(
    'unavailable',
    `Could not write ${what} to ${target}: ${describeWriteFailure(err)}. Nothing was replaced and no partial file was left.`,
    { cause: err },
  )
}
