import type { Database } from 'better-sqlite3'

// The scripts a batch is written in (JSON, e.g. ["latin"]): its lines are decoded with those classes of the
// alphabet only (recognize/scripts.ts). NULL until they are proposed from the batch's first readings;
// `scripts_chosen` is 1 once the reviewer chose them, and a proposal never overrides a choice.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE batches ADD COLUMN scripts TEXT;
    ALTER TABLE batches ADD COLUMN scripts_chosen INTEGER NOT NULL DEFAULT 0;
  `)
}
