// Every way the engine reads a line back from the library. One SELECT (the line, the model's reading of
// it, its page, the reviewer's latest correction) serves the API's rows and the listing's entries alike;
// what the reviewer sees of such a record is decided in line-view.ts. Writes stay with the job that makes
// them (intake writes lines and readings, review appends corrections).
import { basename } from 'node:path'
import type { Db } from './db'

/** A line as the line queries read it. */
export interface LineRecord {
  id: number
  batchId: number
  index: number
  /** The image the line is (a cut line) or was found in (a line of a page). */
  path: string | null
  /** The model's reading: null while the line is unread. */
  text: string | null
  confidence: number | null
  error: string | null
  /** 1 once the line has a reading (or its failure), else 0. */
  hasReading: number
  /** For a line found on a page: the page in its document (0-based) and the line's quad there (JSON). */
  pageNo: number | null
  quad: string | null
  /** The reviewer's latest correction: its text (null: an undo back to the reading) and kind. */
  humanText: string | null
  kind: string | null
  /** 1 when the latest correction leaves the line marked not text (a speck, a logo…), else 0. */
  notText: number
  /** What detection said of a line found on a page: its box score, and 1 when its box was tiny or its crop
   *  nearly blank (store/line-junk.ts); null and 0 for a cut line. */
  detScore: number | null
  detJunk: number
}

/** A line shown on its own (a row of the API): each character's confidence comes with it. */
export interface RowRecord extends LineRecord {
  charConfidences: Buffer | null
}

/** A line held in a batch's listing: its number on its page comes with it (the export's `line`). */
export interface EntryRecord extends LineRecord {
  lineOnPage: number | null
  /** The reading's per-character confidences and greedy text: read to judge the reading (review/self-check.ts), not kept. */
  charConfidences?: Buffer | null
  greedyText?: string | null
}

/** A line's reading as the model made it, for the CLI and the evaluation. */
export interface StoredReading {
  id: number
  index: number
  file: string
  path: string | null
  text: string | null
  confidence: number | null
  greedyText: string | null
  greedyConfidence: number | null
  error: string | null
}

export interface PageOfLine {
  pageNo: number
  width: number
  height: number
  preview: Buffer | null
  quad: string | null
  path: string
}

export interface LineQueries {
  count(batchId: number): number
  /** The batch a line belongs to; undefined when there is no such line. */
  batchOf(lineId: number): number | undefined
  one(lineId: number): RowRecord | undefined
  /** A page of a batch's lines in document order. */
  page(input: { batchId: number; offset: number; limit: number }): RowRecord[]
  /** Lines by id, in no particular order (ids that do not exist are left out). */
  byIds(ids: ArrayLike<number>): RowRecord[]
  /** Up to `limit` of a batch's lines after index `after`, in document order. */
  entries(input: { batchId: number; after: number; limit: number }): EntryRecord[]
  entriesByIds(ids: ArrayLike<number>): EntryRecord[]
  readings(batchId: number): StoredReading[]
  /** A line's image: its file, or its crop when it was found on a page. */
  image(lineId: number): { path: string | null; crop: Buffer | null } | undefined
  /** The page a line was found on; undefined for a cut line (or no line). */
  pageOf(lineId: number): PageOfLine | undefined
}

const COLUMNS = `
  l.id, l.batch_id AS batchId, l.idx AS "index", l.source_path AS path,
  r.text, r.confidence, r.error, r.line_id IS NOT NULL AS hasReading, p.page_no AS pageNo, l.quad,
  c.text AS humanText, c.kind AS kind, coalesce(c.not_text, 0) AS notText, l.det_score AS detScore, l.det_junk AS detJunk`
const FROM = `
  FROM lines l LEFT JOIN readings r ON r.line_id = l.id LEFT JOIN pages p ON p.id = l.page_id
  LEFT JOIN corrections c ON c.id = (SELECT max(c2.id) FROM corrections c2 WHERE c2.line_id = l.id)`
const ROW = `SELECT ${COLUMNS}, r.char_confidences AS charConfidences ${FROM}`
// The listing holds every line of a batch: each line's number on its page, and what its self-evaluation
// needs of its reading (the per-character confidences are read, summed and dropped).
const ENTRY = `
  SELECT ${COLUMNS}, r.char_confidences AS charConfidences, r.greedy_text AS greedyText,
    CASE WHEN l.page_id IS NULL THEN NULL
         ELSE (SELECT count(*) FROM lines l2 WHERE l2.page_id = l.page_id AND l2.idx < l.idx) + 1 END AS lineOnPage
  ${FROM}`

/** The line queries of a library, prepared once per caller (a service keeps them for its life). */
export function createLineQueries(db: Db): LineQueries {
  const q = {
    count: db.prepare('SELECT count(*) FROM lines WHERE batch_id = @batchId').pluck(),
    batchOf: db.prepare('SELECT batch_id FROM lines WHERE id = @lineId').pluck(),
    one: db.prepare(`${ROW} WHERE l.id = @lineId`),
    // The page's lines are chosen on the (batch, idx) index alone: with the joins, every line skipped by the
    // offset would have its latest correction looked up too.
    page: db.prepare(`
      ${ROW} WHERE l.id IN (SELECT id FROM lines WHERE batch_id = @batchId ORDER BY idx LIMIT @limit OFFSET @offset)
      ORDER BY l.idx`),
    byIds: db.prepare(`${ROW} WHERE l.id IN (SELECT value FROM json_each(@ids))`),
    entries: db.prepare(`${ENTRY} WHERE l.batch_id = @batchId AND l.idx > @after ORDER BY l.idx LIMIT @limit`),
    entriesByIds: db.prepare(`${ENTRY} WHERE l.id IN (SELECT value FROM json_each(@ids))`),
    readings: db.prepare(`
      SELECT l.id, l.idx AS "index", l.source_path AS path, r.text, r.confidence, r.greedy_text AS greedyText,
             r.greedy_confidence AS greedyConfidence, r.error
      FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = @batchId ORDER BY l.idx`),
    image: db.prepare('SELECT source_path AS path, crop FROM lines WHERE id = @lineId'),
    pageOf: db.prepare(`
      SELECT p.page_no AS pageNo, p.width, p.height, p.preview, l.quad, l.source_path AS path
      FROM lines l JOIN pages p ON p.id = l.page_id WHERE l.id = @lineId`),
  }
  const ids = (list: ArrayLike<number>) => JSON.stringify(Array.from(list))
  return {
    count: (batchId) => q.count.get({ batchId }) as number,
    batchOf: (lineId) => q.batchOf.get({ lineId }) as number | undefined,
    one: (lineId) => q.one.get({ lineId }) as RowRecord | undefined,
    page: ({ batchId, offset, limit }) => q.page.all({ batchId, offset, limit }) as RowRecord[],
    byIds: (list) => q.byIds.all({ ids: ids(list) }) as RowRecord[],
    entries: ({ batchId, after, limit }) => q.entries.all({ batchId, after, limit }) as EntryRecord[],
    entriesByIds: (list) => q.entriesByIds.all({ ids: ids(list) }) as EntryRecord[],
    readings: (batchId) =>
      (q.readings.all({ batchId }) as Array<Omit<StoredReading, 'file'>>).map((r) => ({ ...r, file: r.path ? basename(r.path) : '' })),
    image: (lineId) => q.image.get({ lineId }) as { path: string | null; crop: Buffer | null } | undefined,
    pageOf: (lineId) => q.pageOf.get({ lineId }) as PageOfLine | undefined,
  }
}
