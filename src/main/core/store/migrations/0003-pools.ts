import type { Database } from 'better-sqlite3'

// Named context pools: the frames of a batch's corrections saved under a name, to start a new batch of
// the same kind with them (and to move between libraries as a file). A batch uses at most one.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE pools (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      model_id TEXT NOT NULL,
      trust REAL NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE pool_entries (
      id INTEGER PRIMARY KEY,
      pool_id INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
      store TEXT NOT NULL CHECK (store IN ('chars', 'gaps')),
      label INTEGER NOT NULL,
      features BLOB NOT NULL
    );
    CREATE INDEX pool_entries_by_pool ON pool_entries (pool_id);
    CREATE TABLE batch_pools (
      batch_id INTEGER PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
      pool_id INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE
    );
  `)
}
