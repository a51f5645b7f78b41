import type { Database } from 'better-sqlite3'

// The first schema. Lines keep a path to their source image (folder imports) or their own crop bytes
// (page imports). A reading is the model's output cache for one line: the text the engine shows (beam),
// the greedy text, and each frame's fp16 features and top-k posteriors, so decoding again — in context
// or otherwise — never needs the model (see store/frame-codec.ts).
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE batches (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      source TEXT NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      skipped_files TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE lines (
      id INTEGER PRIMARY KEY,
      batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      source_path TEXT,
      crop BLOB,
      UNIQUE (batch_id, idx)
    );
    CREATE TABLE readings (
      line_id INTEGER PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
      model_id TEXT NOT NULL,
      text TEXT NOT NULL,
      confidence REAL NOT NULL,
      char_confidences BLOB,
      greedy_text TEXT,
      greedy_confidence REAL,
      frames INTEGER,
      k INTEGER,
      dim INTEGER,
      features BLOB,
      top_index BLOB,
      top_prob BLOB,
      blank BLOB,
      error TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
  `)
}
