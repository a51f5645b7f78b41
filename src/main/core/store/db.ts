import { accessSync, constants, existsSync, mkdirSync, statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { LectorError, unreachable } from '../errors'
import { migrations as allMigrations, type Migration } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** better-sqlite3 addon built for this runtime (Electron's ABI); Node's own build is used otherwise. */
  nativeBinding?: string
  readonly?: boolean
  /** For tests: the migrations to apply (defaults to the app's). */
  migrations?: Migration[]
}

/**
 * Opens (creating if needed) a library: WAL so readers never block the writer, foreign keys on, and
 * synchronous=FULL so an acknowledged correction survives a power cut, not just a killed process.
 * Migrations run in one transaction each; an existing library is copied aside before it is upgraded.
 */
export function openLibrary(path: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? allMigrations
  const isNew = path === ':memory:' || !existsSync(path)
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true })
    } catch (err) {
      throw new LectorError('unavailable', `Cannot create the folder of the library ${path}: ${(err as Error).message}`, { cause: err })
    }
    if (!options.readonly) assertWritable(path, isNew)
  }
  let db: Db
  try {
    db = new Database(path, { nativeBinding: options.nativeBinding, readonly: options.readonly ?? false })
  } catch (err) {
    throw new LectorError('unavailable', `Cannot open the library ${path}: ${(err as Error).message}`, { cause: err })
  }
  try {
    const current = readVersion(db, path)
    const latest = migrations.length ? migrations[migrations.length - 1].version : 0
    if (current > latest) {
      throw new LectorError(
        'unavailable',
        `The library ${path} was written by a newer version of Lector (schema ${current}; this version knows up to ${latest}). ` +
          'Update Lector to open it, or choose another library. Nothing was changed.',
      )
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    const pending = migrations.filter((m) => m.version > current)
    if (pending.length && options.readonly) {
      throw new LectorError('unavailable', `The library ${path} needs an upgrade and is open read-only.`)
    }
    if (pending.length && !isNew && current > 0) backup(db, path, current)
    for (const m of pending) {
      db.transaction(() => {
        m.up(db)
        db.pragma(`user_version = ${m.version}`)
      })()
    }
    return db
  } catch (err) {
    db.close()
    throw damaged(err, path)
  }
}

/**
 * SQLite opens a write-protected file read-only without a word (the first correction would then fail),
 * and WAL keeps two files beside the library: say so before anything is read or written.
 */
function assertWritable(path: string, isNew: boolean): void {
  const folder = dirname(path)
  if (!isNew && !canWrite(path)) {
    throw new LectorError(
      'unavailable',
      `The library ${path} is read-only. Lector saves every correction in it as you work: make the file writable, or choose another library. Nothing was changed.`,
    )
  }
  if (!canWrite(folder)) {
    throw new LectorError(
      'unavailable',
      `The folder ${folder} is read-only, and Lector keeps its journal files beside the library ${path}: make the folder writable, or choose another library. Nothing was changed.`,
    )
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function readVersion(db: Db, path: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number
  } catch (err) {
    // SQLITE_NOTADB and friends: the file exists but is not a SQLite database (or is damaged).
    throw new LectorError(
      'unreadable',
      `The library ${path} is not a readable Lector database (${(err as Error).message}). It was left untouched.`,
      { cause: err },
    )
  }
}

/** A consistent copy beside the library before its schema changes: `<file>.v<N>.bak`. */
function backup(db: Db, path: string, version: number): void {
  let target = `${path}.v${version}.bak`
  for (let i = 1; existsSync(target); i++) target = `${path}.v${version}.${i}.bak`
  db.prepare('VACUUM INTO ?').run(target)
}

/** A damaged file found while opening (SQLITE_CORRUPT: a page of the schema is garbage) says so clearly. */
function damaged(err: unknown, path: string): unknown {
  if (!isDamage(err)) return err
  return new LectorError(
    'unreadable',
    `The library ${path} is damaged (${(err as Error).message}). It was left untouched: open a backup of it (library.db.v<N>.bak beside it, if there is one), or choose another library.`,
    { cause: err },
  )
}

/** Why a write to the library failed, as far as the error and a look at its disk can tell. */
export type WriteTrouble = 'full' | 'write-protected' | 'failing'

/** What the diagnosis looks at; the file system by default (tests give their own). */
export interface DiskProbe {
  canWrite(path: string): boolean
  /** Bytes free to this process in the folder's file system; null when unknown. */
  freeBytes(folder: string): number | null
}

const diskProbe: DiskProbe = {
  canWrite,
  freeBytes(folder) {
    try {
      const fs = statfsSync(folder)
      return fs.bavail * fs.bsize
    } catch {
      return null
    }
  },
}

/** Below this, a disk that refused a write is taken to be full: a SQLite commit needs a few pages. */
const NEARLY_FULL_BYTES = 1024 * 1024

/**
 * Why a write to the library failed, or null when the error is not a write failure. SQLite says SQLITE_FULL
 * only when a write came up short; a disk that refuses outright (read-only, permissions, EFBIG, EIO) is
 * SQLITE_IOERR, which alone would call a write-protected library "full or failing": the library's file,
 * journal and folder are looked at to tell which it is.
 */
export function libraryWriteTrouble(err: unknown, library?: string, probe: DiskProbe = diskProbe): WriteTrouble | null {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  if (code === 'SQLITE_FULL') return 'full'
  if (code.startsWith('SQLITE_READONLY')) return 'write-protected'
  if (!code.startsWith('SQLITE_IOERR') && !code.startsWith('SQLITE_CANTOPEN')) return null
  if (!library || library === ':memory:') return 'failing'
  const folder = dirname(library)
  const files = [library, `${library}-wal`, `${library}-shm`].filter((f) => f === library || existsSync(f))
  if (!probe.canWrite(folder) || files.some((f) => !probe.canWrite(f))) return 'write-protected'
  const free = probe.freeBytes(folder)
  if (free !== null && free < NEARLY_FULL_BYTES) return 'full'
  return 'failing'
}

/**
 * A refused write to the library in words: its cause, and what the user can do about it; null when the
 * error is no refused write. `library` is the library's file (db.name), looked at to tell the causes apart.
 */
export function libraryWriteProblem(err: unknown, library?: string, probe?: DiskProbe): { cause: string; remedy: string } | null {
  const trouble = libraryWriteTrouble(err, library, probe)
  switch (trouble) {
    case null:
      return null
    case 'full':
      return { cause: 'the disk holding the library is full', remedy: 'free some space' }
    case 'write-protected':
      return {
        cause: `the library is write-protected${library && library !== ':memory:' ? ` (${library}, its journal or its folder cannot be written)` : ''}`,
        remedy: 'make it writable again',
      }
    case 'failing':
      return { cause: `the disk refused the write (${(err as Error).message}; it may be failing or disconnected)`, remedy: 'check the disk' }
    default:
      throw unreachable(trouble)
  }
}

/**
 * A request that meets a damaged page (found only when it is read), or a write the library's disk refused,
 * is answered in words, not as an internal error; other errors are left to the caller. A refused write is
 * rolled back whole: what was saved before it is still there.
 */
export function describeStoreError(err: unknown, library?: string, probe?: DiskProbe): LectorError | null {
  const problem = libraryWriteProblem(err, library, probe)
  if (problem) {
    return new LectorError('unavailable', `This could not be saved: ${problem.cause}. Nothing saved before is lost; ${problem.remedy} and try again.`, {
      cause: err,
    })
  }
  if (!isDamage(err)) return null
  return new LectorError(
    'unreadable',
    `The library is damaged (${(err as Error).message}). Open a backup of it (library.db.v<N>.bak beside it, if there is one), or choose another library.`,
    { cause: err },
  )
}

function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)
}
