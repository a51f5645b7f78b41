import type { Database } from 'better-sqlite3'

// A named pool keeps the gate its batch decided (weights and their precision, JSON): a batch started from
// the pool reads with it until its own corrections refit it. Pools saved before have none (NULL): their
// batch starts from the settings' prior.
export function up(db: Database): void {
  db.exec('ALTER TABLE pools ADD COLUMN gate TEXT')
}
