import type { Database } from 'better-sqlite3'

// An image whose size does not tell a page from a cut line (a small scan, a phone photo, a large word
// crop) is queued as a page marked `maybe_line`: when detection finds one line filling it, it becomes a
// cut line of the batch (read whole, as it is) and its page row goes, in one transaction.
export function up(db: Database): void {
  db.exec('ALTER TABLE pages ADD COLUMN maybe_line INTEGER NOT NULL DEFAULT 0')
}
