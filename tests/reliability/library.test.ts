// The library file through the real engine: one written by the first schema is upgraded with its data
// kept and a backup beside it; one Lector cannot write (read-only file or folder) or that is damaged is
// refused with a message that says what is wrong and what to do, and is left as it was. (A library from a
// newer Lector and a file that is not a database: src/main/core/store/db.test.ts.)
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadRecognizer } from '../../src/main/core/recognize/recognizer'
import { openLibrary } from '../../src/main/core/store/db'
import { encodeFrames } from '../../src/main/core/store/frame-codec'
import { migrations, schemaVersion } from '../../src/main/core/store/migrations'
import { applied, call, openEngine as open } from '../fixtures/engine'
import { renderLines } from '../fixtures/render-lines'

let dir: string
let folder: string
let texts: string[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lector-library-'))
  folder = join(dir, 'lines')
  texts = ['Hello world', 'TOTAL RM 12.50', 'cash change']
  await renderLines(folder, texts)
})

/** A library with one batch read and one line corrected, closed cleanly. */
async function makeLibrary(path: string): Promise<void> {
  const engine = await open(path)
  try {
    const batch = await call(engine, 'batch:openFolder', { path: folder })
    await engine.batches.whenRead(batch.id)
    const { rows } = await call(engine, 'batch:lines', { batchId: batch.id })
    await call(engine, 'review:correct', { lineId: rows[0].id, text: 'HELLO WORLD' })
  } finally {
    await engine.close()
  }
}

/**
 * What a library holds on disk, for comparing before and after: the file and its write-ahead log (an
 * empty or missing log is the same thing; the -shm index is rebuilt by every reader and is left out).
 */
function snapshot(path: string): { db: string; wal: string } {
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
  const wal = `${path}-wal`
  return { db: digest(path), wal: existsSync(wal) && statSync(wal).size > 0 ? digest(wal) : 'empty' }
}

/**
 * Makes a file or folder read-only for this process: chmod for a normal user; root ignores permissions,
 * so as root the immutable attribute (chattr +i) is used. Returns the undo, or null when it cannot be done
 * here (no chattr, or a file system without the attribute): the test is then skipped, and says why.
 */
function makeReadOnly(path: string): (() => void) | null {
  const writable = () => {
    try {
      accessSync(path, constants.W_OK)
      return true
    } catch {
      return false
    }
  }
  let undo: () => void
  if (process.getuid?.() === 0) {
    try {
      execFileSync('chattr', ['+i', path], { stdio: 'ignore' })
    } catch {
      return null
    }
    undo = () => execFileSync('chattr', ['-i', path], { stdio: 'ignore' })
  } else {
    const mode = statSync(path).mode
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444)
    undo = () => chmodSync(path, mode)
  }
  if (writable()) {
    undo()
    return null
  }
  return undo
}

const cannotProtect = 'this machine cannot make a file read-only for this user (root without chattr +i)'

/** Overwrites one page of a SQLite file with garbage. */
function damagePage(path: string, page: number, from = 0): void {
  const db = new Database(path, { readonly: true })
  const size = db.pragma('page_size', { simple: true }) as number
  db.close()
  const bytes = readFileSync(path)
  for (let i = (page - 1) * size + from; i < page * size; i++) bytes[i] = (i * 31 + 7) & 0xff
  writeFileSync(path, bytes)
}

function rootPage(path: string, table: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number
  } finally {
    db.close()
  }
}

describe('the library file', () => {
  it('upgrades a library written with the first schema to the current one, keeping its data and a backup', async () => {
    const path = join(dir, 'v1', 'library.db')
    // What Lector's first schema held: a batch, its lines and the model's readings (one line unreadable).
    const v1 = openLibrary(path, { migrations: migrations.slice(0, 1) })
    const recognizer = await loadRecognizer({ providers: ['cpu'] })
    const paths = texts.map((_, i) => join(folder, `line-00${i}.png`))
    const results = await recognizer.read(paths)
    await recognizer.release()
    v1.prepare("INSERT INTO batches (id, name, source) VALUES (1, 'old batch', ?)").run(folder)
    const insertLine = v1.prepare('INSERT INTO lines (id, batch_id, idx, source_path) VALUES (?, 1, ?, ?)')
    const insertReading = v1.prepare(`
      INSERT INTO readings (line_id, model_id, text, confidence, greedy_text, greedy_confidence, frames, k, dim, features,
        top_index, top_prob, blank, error)
      VALUES (@lineId, 'v1-model', @text, @confidence, @text, @confidence, @frames, @k, @dim, @features, @topIndex, @topProb, @blank, NULL)`)
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(r.error)
      insertLine.run(i + 1, i, paths[i])
      insertReading.run({ lineId: i + 1, text: r.reading.text, confidence: r.reading.confidence, ...encodeFrames(r.reading.cache) })
    })
    insertLine.run(4, 3, join(folder, 'gone.png'))
    v1.prepare("INSERT INTO readings (line_id, model_id, text, confidence, error) VALUES (4, 'v1-model', '', 0, 'empty file (0 bytes)')").run()
    expect(v1.pragma('user_version', { simple: true })).toBe(1)
    v1.close()

    const engine = await open(path)
    try {
      const [batch] = await call(engine, 'batch:list', {})
      expect(batch).toMatchObject({ id: 1, name: 'old batch', lineCount: 4, doneCount: 4, errorCount: 1, jobId: null })
      const { rows } = await call(engine, 'batch:lines', { batchId: 1 })
      expect(rows.map((r) => [r.state, r.text, r.error])).toEqual([
        ['read', 'Hello world', null],
        ['read', 'TOTAL RM 12.50', null],
        ['read', 'cash change', null],
        ['failed', '', 'empty file (0 bytes)'],
      ])
      // The new schema works on the old data: a correction is kept and the cached frames serve context.
      const update = await applied(engine, 'review:correct', { lineId: 2, text: 'TOTAL RM 12.50' })
      expect(update.decision.poolEntries).toBeGreaterThan(0)
      expect((await call(engine, 'line:rows', { ids: [2] }))[0]).toMatchObject({ source: 'human', text: 'TOTAL RM 12.50' })
    } finally {
      await engine.close()
    }
    const upgraded = new Database(path, { readonly: true })
    expect(upgraded.pragma('user_version', { simple: true })).toBe(schemaVersion)
    upgraded.close()
    // The backup is the library as it was before the upgrade, data included.
    const backup = new Database(`${path}.v1.bak`, { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(1)
    expect(backup.prepare('SELECT text FROM readings ORDER BY line_id').pluck().all()).toEqual([...texts, ''])
    expect(backup.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'corrections'").pluck().get()).toBe(0)
    backup.close()
  })

  it('refuses a read-only library file with a clear message and leaves it as it was', async (ctx) => {
    const path = join(dir, 'ro-file', 'library.db')
    await makeLibrary(path)
    const before = snapshot(path)
    const undo = makeReadOnly(path)
    if (!undo) return ctx.skip(cannotProtect)
    try {
      await expect(open(path)).rejects.toMatchObject({
        code: 'unavailable',
        message: `The library ${path} is read-only. Lector saves every correction in it as you work: make the file writable, or choose another library. Nothing was changed.`,
      })
    } finally {
      undo()
    }
    expect(snapshot(path)).toEqual(before)
  })

  it('refuses a library in a read-only folder with a clear message and leaves it as it was', async (ctx) => {
    const folderPath = join(dir, 'ro-folder')
    const path = join(folderPath, 'library.db')
    await makeLibrary(path)
    const before = snapshot(path)
    const undo = makeReadOnly(folderPath)
    if (!undo) return ctx.skip(cannotProtect)
    try {
      await expect(open(path)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^The folder .*ro-folder is read-only/) })
      // A new library there is refused the same way, before anything is created.
      await expect(open(join(folderPath, 'new.db'))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('is read-only') })
    } finally {
      undo()
    }
    expect(snapshot(path)).toEqual(before)
    expect(existsSync(join(folderPath, 'new.db'))).toBe(false)
  })

  it('refuses a library whose schema is damaged with a clear message and leaves it as it was', async () => {
    const path = join(dir, 'damaged-schema', 'library.db')
    await makeLibrary(path)
    damagePage(path, 1, 100) // page 1 after the 100-byte header: the schema table
    const before = snapshot(path)
    await expect(open(path)).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringMatching(/^The library .*library\.db is damaged \(.+\)\. It was left untouched: open a backup/),
    })
    expect(snapshot(path)).toEqual(before)
  })

  it('answers a request that meets a damaged page with a clear message and leaves the library as it was', async () => {
    const path = join(dir, 'damaged-page', 'library.db')
    await makeLibrary(path)
    damagePage(path, rootPage(path, 'lines'))
    const before = snapshot(path)
    const engine = await open(path)
    try {
      for (const [name, input] of [
        ['batch:lines', { batchId: 1 }],
        ['line:rows', { ids: [1] }],
      ] as const) {
        expect(await engine.dispatch(name, input)).toEqual({
          ok: false,
          code: 'unreadable',
          message: expect.stringMatching(/^The library is damaged \(database disk image is malformed\)\. .*backup/),
        })
      }
    } finally {
      await engine.close()
    }
    expect(snapshot(path)).toEqual(before)
  })
})

describe('folders the library cannot use', () => {
  it('refuses a library path whose folder cannot be created, with a clear message', async () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, 'not a folder')
    await expect(open(join(blocker, 'sub', 'library.db'))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^Cannot create the folder of the library .*a-file\/sub\/library\.db: /),
    })
  })
})
