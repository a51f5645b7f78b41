import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { LectorError } from '../errors'
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

/**
 * A request that meets a damaged page (found only when it is read) is answered in words, not as an
 * internal error; other errors are left to the caller.
 */
export function describeStoreError(err: unknown): LectorError | null {
  const code = (err as { code?: unknown } | null)?.code
  const reason = (err as Error | null)?.message
  // A write the disk refused is rolled back whole: what was saved before it is still there.
  if (code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))) {
    return new LectorError(
      'unavailable',
      `The library could not be saved to (${reason}): the disk is full or failing. Nothing saved before is lost; free some space and try again.`,
      { cause: err },
    )
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return new LectorError('unavailable', `The library has become read-only (${reason}). Nothing saved before is lost.`, { cause: err })
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
