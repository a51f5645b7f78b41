import type { Database } from 'better-sqlite3'

// What a batch's context decided (trust, lexicon bias and their evidence) after its latest correction.
// The decision depends on the ones before it (a trust is kept until another clearly beats it), so one
// made afresh when the batch is opened again could differ: the batch is read again with this one, and
// shows what it showed when it was closed. `after_correction` is the correction it followed.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE batch_decisions (
      batch_id INTEGER PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
      decision TEXT NOT NULL,
      after_correction INTEGER NOT NULL
    );
  `)
}
