import type { Database } from 'better-sqlite3'

// A batch's lines are now written a slice at a time (one transaction for 50,000 lines held the main
// thread ~150 ms), so a batch is marked opened only once all of them are in. A batch left unopened by a
// crash was never shown, nor acknowledged to the caller: the next start removes it. Existing batches
// are whole.
export function up(db: Database): void {
  db.exec('ALTER TABLE batches ADD COLUMN opened INTEGER NOT NULL DEFAULT 1')
}
