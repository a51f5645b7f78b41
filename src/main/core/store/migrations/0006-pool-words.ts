import type { Database } from 'better-sqlite3'

// A named pool keeps its batch's vocabulary too (the words of its corrections, lexicon.ts) and the bias the
// batch decided for it, so a new batch started from the pool reads with both. Pools saved before have
// neither: bias 0, no words — they start a batch as they always did.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE pools ADD COLUMN lexicon_bias REAL NOT NULL DEFAULT 0;
    CREATE TABLE pool_words (
      pool_id INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
      word TEXT NOT NULL,
      PRIMARY KEY (pool_id, word)
    ) WITHOUT ROWID;
  `)
}
