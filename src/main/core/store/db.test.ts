import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openLibrary } from './db'
import { migrations, schemaVersion } from './migrations'

const tmp = () => mkdtempSync(join(tmpdir(), 'lector-db-'))

describe('openLibrary', () => {
  it('creates a fresh library at the latest schema with WAL and foreign keys', () => {
    const path = join(tmp(), 'nested', 'library.db')
    const db = openLibrary(path)
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['batches', 'lines', 'readings']))
    db.close()
  })

  it('upgrades an older library in one step per migration, keeps its data and a backup', () => {
    const path = join(tmp(), 'library.db')
    openLibrary(path).close()
    const v1 = new Database(path)
    v1.prepare("INSERT INTO batches (name, source) VALUES ('old', '/scans')").run()
    v1.close()

    const next = {
      version: schemaVersion + 1,
      name: 'add-note',
      up: (db: Database.Database) => db.exec("ALTER TABLE batches ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated'"),
    }
    const db = openLibrary(path, { migrations: [...migrations, next] })
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion + 1)
    expect(db.prepare('SELECT name, note FROM batches').get()).toEqual({ name: 'old', note: 'migrated' })
    db.close()

    const backupPath = `${path}.v${schemaVersion}.bak`
    expect(existsSync(backupPath)).toBe(true)
    const backup = new Database(backupPath, { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(schemaVersion)
    expect(backup.prepare('SELECT name FROM batches').pluck().get()).toBe('old')
    backup.close()
  })

  it('rolls a failing migration back and leaves the library at its old version', () => {
    const path = join(tmp(), 'library.db')
    openLibrary(path).close()
    const broken = {
      version: schemaVersion + 1,
      name: 'broken',
      up: (db: Database.Database) => {
        db.exec('CREATE TABLE half_done (x)')
        throw new Error('boom')
      },
    }
    expect(() => openLibrary(path, { migrations: [...migrations, broken] })).toThrow('boom')
    const db = openLibrary(path)
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0)
    db.close()
  })

  it('refuses a library written by a newer version and does not touch it', () => {
    const path = join(tmp(), 'library.db')
    const future = new Database(path)
    future.pragma(`user_version = ${schemaVersion + 5}`)
    future.close()
    const before = readFileSync(path)
    expect(() => openLibrary(path)).toThrow(/newer version of Lector/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a file that is not a database with a clear message and leaves it as it was', () => {
    const path = join(tmp(), 'library.db')
    writeFileSync(path, 'this is not sqlite'.repeat(100))
    const before = readFileSync(path)
    expect(() => openLibrary(path)).toThrow(/not a readable Lector database/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })
})
