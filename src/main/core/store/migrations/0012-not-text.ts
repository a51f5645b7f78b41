import type { Database } from 'better-sqlite3'

// A reviewer can say a line is not text (a speck, a logo, a stamp, a box drawn round nothing): it leaves
// the review order, the counts, the pool and the export's text. That is a correction like the others —
// append-only, undone by the next row — so corrections take two more kinds, 'not-text' and 'is-text' (a
// line said to be text after all: back in the order, with the text it had before), and a column for
// the state a row leaves the line in (an undo of a 'not-text' row leaves it text again, and one of an
// 'is-text' row not text). A CHECK constraint cannot be altered in SQLite: the table is made again
// (its rows, ids and index as they were). Its `undoes` refers to the new table itself from the start (the
// old one is dropped with nothing pointing at it); renaming the table renames that reference too.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE corrections_new (
      id INTEGER PRIMARY KEY,
      line_id INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
      text TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('typed', 'accepted', 'undo', 'not-text', 'is-text')),
      undoes INTEGER REFERENCES corrections_new(id),
      not_text INTEGER NOT NULL DEFAULT 0 CHECK (not_text IN (0, 1)),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    INSERT INTO corrections_new (id, line_id, text, kind, undoes, created_at)
      SELECT id, line_id, text, kind, undoes, created_at FROM corrections;
    DROP TABLE corrections;
    ALTER TABLE corrections_new RENAME TO corrections;
    CREATE INDEX corrections_by_line ON corrections (line_id, id);
  `)
}
