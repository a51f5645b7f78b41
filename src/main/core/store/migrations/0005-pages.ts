import type { Database } from 'better-sqlite3'

// Pages of documents (page scans, multi-page TIFFs, PDFs). A page is queued when its batch is opened and
// detected later, off the main thread: its lines are written with their crops and quads in one transaction
// that also marks the page done, so a crash leaves a page either untouched (detected again on restart) or
// complete. `preview` is a JPEG of the page, small enough to show a line's place on it.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE pages (
      id INTEGER PRIMARY KEY,
      batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      source_path TEXT NOT NULL,
      page_no INTEGER NOT NULL,
      width INTEGER,
      height INTEGER,
      preview BLOB,
      detected_at TEXT,
      error TEXT,
      UNIQUE (batch_id, seq)
    );
    ALTER TABLE lines ADD COLUMN page_id INTEGER REFERENCES pages(id) ON DELETE CASCADE;
    ALTER TABLE lines ADD COLUMN quad TEXT;
    CREATE INDEX lines_by_page ON lines (page_id);
  `)
}
