import type { Database } from 'better-sqlite3'

// Corrections are append-only: a re-correction or an undo is a new row, the latest row per line is its
// state (text NULL: back to the machine's reading). The context pool and every in-context reading are
// derived from these rows and the cached readings, so nothing else needs saving to survive a crash.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE corrections (
      id INTEGER PRIMARY KEY,
      line_id INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
      text TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('typed', 'accepted', 'undo')),
      undoes INTEGER REFERENCES corrections(id),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX corrections_by_line ON corrections (line_id, id);
  `)
}
