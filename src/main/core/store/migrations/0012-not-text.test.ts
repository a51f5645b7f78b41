import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openLibrary } from '../db'
import { migrations } from '.'

describe('migration 12 (not-text)', () => {
  it('keeps every correction, its id and what it undoes, and takes the two new kinds', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lector-m12-')), 'library.db')
    const v11 = openLibrary(path, { migrations: migrations.filter((m) => m.version <= 11) })
    v11.exec(`
      INSERT INTO batches (id, name, source) VALUES (1, 'b', '/scans');
      INSERT INTO lines (id, batch_id, idx, source_path) VALUES (1, 1, 0, '/scans/a.png'), (2, 1, 1, '/scans/b.png');
      INSERT INTO corrections (id, line_id, text, kind, undoes) VALUES (1, 1, 'TOTAL', 'typed', NULL), (2, 1, NULL, 'undo', 1), (5, 2, 'RM', 'accepted', NULL);
    `)
    v11.close()
    const db = openLibrary(path)
    expect(db.prepare('SELECT id, line_id AS lineId, text, kind, undoes, not_text AS notText FROM corrections ORDER BY id').all()).toEqual([
      { id: 1, lineId: 1, text: 'TOTAL', kind: 'typed', undoes: null, notText: 0 },
      { id: 2, lineId: 1, text: null, kind: 'undo', undoes: 1, notText: 0 },
      { id: 5, lineId: 2, text: 'RM', kind: 'accepted', undoes: null, notText: 0 },
    ])
    db.prepare("INSERT INTO corrections (line_id, text, kind, not_text) VALUES (2, NULL, 'not-text', 1)").run()
    expect(() => db.prepare("INSERT INTO corrections (line_id, text, kind) VALUES (2, NULL, 'nonsense')").run()).toThrow(/CHECK/)
    // Still tied to its lines and to itself.
    expect(() => db.prepare("INSERT INTO corrections (line_id, text, kind, undoes) VALUES (2, NULL, 'undo', 99)").run()).toThrow(/FOREIGN KEY/)
    db.prepare('DELETE FROM lines WHERE id = 2').run()
    expect(db.prepare('SELECT count(*) FROM corrections').pluck().get()).toBe(2)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'corrections_by_line'").pluck().get()).toBe(1)
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })
})
