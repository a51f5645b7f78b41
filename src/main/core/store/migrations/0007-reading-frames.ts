import type { Database } from 'better-sqlite3'

// The per-frame cache of a reading (features, top-k posteriors, blank: ~16 KB a line) moves out of
// `readings` into its own table. With it inline, SQLite kept ~3.5 KB of each row on its leaf page, one
// row a page: every scan of the readings (a batch's counts, its listing) read ~200 MB at 50,000 lines
// (`SELECT count(*) FROM readings` took 200-280 ms; `batch:list` blocked the main thread ~150 ms).
// Only the in-context worker reads the frames. They are moved a slice at a time, each slice deleted from
// the old table before the next is written, so the pages freed are reused and the file does not double.
const SLICE = 512

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE readings RENAME TO readings_v6;
    CREATE TABLE readings (
      line_id INTEGER PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
      model_id TEXT NOT NULL,
      text TEXT NOT NULL,
      confidence REAL NOT NULL,
      char_confidences BLOB,
      greedy_text TEXT,
      greedy_confidence REAL,
      error TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE reading_frames (
      line_id INTEGER PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
      frames INTEGER NOT NULL,
      k INTEGER NOT NULL,
      dim INTEGER NOT NULL,
      features BLOB NOT NULL,
      top_index BLOB NOT NULL,
      top_prob BLOB NOT NULL,
      blank BLOB NOT NULL
    );
    INSERT INTO readings (line_id, model_id, text, confidence, char_confidences, greedy_text, greedy_confidence, error, created_at)
      SELECT line_id, model_id, text, confidence, char_confidences, greedy_text, greedy_confidence, error, created_at FROM readings_v6;
  `)
  const ids = db.prepare('SELECT line_id FROM readings_v6 WHERE line_id > ? ORDER BY line_id LIMIT ?').pluck()
  const move = db.prepare(`
    INSERT INTO reading_frames (line_id, frames, k, dim, features, top_index, top_prob, blank)
    SELECT line_id, frames, k, dim, features, top_index, top_prob, blank FROM readings_v6
    WHERE line_id BETWEEN ? AND ? AND frames IS NOT NULL AND k IS NOT NULL AND dim IS NOT NULL
      AND features IS NOT NULL AND top_index IS NOT NULL AND top_prob IS NOT NULL AND blank IS NOT NULL`)
  const drop = db.prepare('DELETE FROM readings_v6 WHERE line_id BETWEEN ? AND ?')
  for (let after = -1; ; ) {
    const slice = ids.all(after, SLICE) as number[]
    if (!slice.length) break
    const [first, last] = [slice[0], slice[slice.length - 1]]
    move.run(first, last)
    drop.run(first, last)
    after = last
  }
  db.exec('DROP TABLE readings_v6')
}
