import type { Database } from 'better-sqlite3'

// Whether a batch's unread lines should be read. A batch is 'wanted' until the reviewer cancels its
// recognition ('stopped'); on start the engine resumes every wanted batch that still has unread lines,
// so recognition cut short by a crash or a quit carries on by itself, and a cancel stays a cancel.
export function up(db: Database): void {
  db.exec(`ALTER TABLE batches ADD COLUMN reading TEXT NOT NULL DEFAULT 'wanted' CHECK (reading IN ('wanted', 'stopped'))`)
}
