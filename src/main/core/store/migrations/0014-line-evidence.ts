import type { Database } from 'better-sqlite3'

// What detection said of a line found on a page, for telling likely junk (a speck, a rule, a smudge) from
// text: its DB box score, and whether its box was tiny or its crop nearly blank (det_junk). NULL and 0 for
// cut lines and for lines found before this version.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE lines ADD COLUMN det_score REAL;
    ALTER TABLE lines ADD COLUMN det_junk INTEGER NOT NULL DEFAULT 0;
  `)
}
