import type { Database } from 'better-sqlite3'

// A named pool keeps the characters its batch learnt that the model cannot write (ſ, ß, aͤ: JSON, an array
// of graphemes, the i-th labelled model size + i in pool_entries). Pools saved before learnt none (NULL).
export function up(db: Database): void {
  db.exec('ALTER TABLE pools ADD COLUMN classes TEXT')
}
