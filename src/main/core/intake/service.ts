// A library's batches: opening one from a folder, a dropped selection or a list of files (its lines
// written a slice at a time, reading started at once), and what the batch list shows of each. Reading
// runs in recognition.ts; a line's images come from line-images.ts.
import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import type { ApiParsedInput, BatchSummary, CropImage, PageView, SkippedFile } from '../../../shared/api'
import type { BackgroundWrites } from '../background-writes'
import { LectorError } from '../errors'
import { notRegularFile } from '../safe-files'
import type { EventBus } from '../event-bus'
import type { Recognizer } from '../recognize/recognizer'
import { breathe } from '../slices'
import type { Db } from '../store/db'
import { createLineQueries, type StoredReading } from '../store/lines'
import { folderFiles, KNOWN_FORMATS, NOT_A_DOCUMENT, sortFiles, type SortedFiles } from './files'
import { createLineImages } from './line-images'
import type { PageReader } from './page-import'
import { createRecognitionJobs } from './recognition'
import { createScriptKeeper, type ScriptKeeper } from './scripts'

/** What was found instead, for a message: the first few files left out, with their reasons. */
function onlyFound(skipped: SkippedFile[]): string {
  if (!skipped.length) return ''
  const listed = skipped.slice(0, 5).map((s) => (s.reason === NOT_A_DOCUMENT ? s.name : `${s.name}: ${s.reason}`))
  return ` (found only ${listed.join(', ')}${skipped.length > 5 ? ', …' : ''})`
}

/** Pages of one document are numbered seq = document × this + page, so pages sort in document order. */
const PAGES_PER_DOCUMENT = 100_000
/** A new batch's lines are written this many per transaction, with a turn of the event loop between. */
const LINES_PER_INSERT = 5_000

export interface BatchService {
  list(): BatchSummary[]
  summary(batchId: number): BatchSummary
  /** Throws not-found unless the batch exists (cheap: no counting, unlike summary). */
  exists(batchId: number): void
  /** A folder that is a batch already opens that batch, with the files it does not have yet (unless `fresh`). */
  openFolder(input: ApiParsedInput<'batch:openFolder'>): Promise<BatchSummary>
  /** A batch from image files and folders of images (a dropped selection); folders are read one level deep. */
  openPaths(input: ApiParsedInput<'batch:openPaths'>): Promise<BatchSummary>
  /** Adds the files of the batch's folder (or its one file) that it does not have yet, and reads them. */
  readNew(batchId: number): Promise<BatchSummary>
  /**
   * A batch from line images and documents (page scans, multi-page TIFFs, PDFs, whose lines are found
   * first); reading starts at once, in the background.
   */
  openFiles(name: string, source: string, paths: string[], more?: { skipped?: SkippedFile[]; documents?: string[]; undecided?: ReadonlySet<string> }): Promise<BatchSummary>
  /**
   * A new batch of copies of these lines (in this order) with their readings and frames, read already and
   * with no corrections: the same lines reviewed afresh without reading them again (`lector eval --suite`
   * replays one recognition many ways). The copies keep their crops and source files, not their pages.
   */
  copyLines(name: string, lineIds: number[]): BatchSummary
  /** The batch's scripts: proposed from its first readings, chosen by the reviewer (see intake/scripts.ts). */
  scripts: ScriptKeeper
  /** Every line's reading (engine text and greedy text), in batch order. */
  readings(batchId: number): StoredReading[]
  /** The page a line was found on, as a preview image with the line's quad on it; null for a cut line. */
  pageView(lineId: number): PageView | null
  crop(lineId: number): Promise<CropImage>
  /** Cancels a job; a cancelled batch stays stopped (not resumed on the next start) until `resume`. */
  cancel(jobId: string): boolean
  /** Stops every job for shutdown; the batches are resumed on the next start. */
  cancelAll(): void
  /** Reads a batch's unread lines (again wanted); no-op when a job is already reading it. */
  resume(batchId: number): BatchSummary
  /** At start: resumes every batch whose reading was cut short (a crash, a quit), not those cancelled. */
  resumeUnread(): number[]
  /** Resolves when the batch's recognition job (if any) has ended. */
  whenRead(batchId: number): Promise<void>
  idle(): Promise<void>
}

/** A batch as the summaries query returns it; skipped is the JSON of the files left out. */
type SummaryRow = Omit<BatchSummary, 'skippedFiles' | 'skipped' | 'pages' | 'jobId' | 'readingStopped'> & { skipped: string; pageCount: number; pagesDone: number; notTextCount: number }

/** The files left out as kept in the library: names alone (before reasons were kept), or with their reason. */
function skippedOf(json: string): SkippedFile[] {
  return (JSON.parse(json) as Array<string | SkippedFile>).map((s) => (typeof s === 'string' ? { name: s, reason: NOT_A_DOCUMENT } : s))
}

export function createBatchService(deps: {
  db: Db
  recognizer: Recognizer
  events: EventBus
  pages: PageReader
  /** Told when a batch's readings changed with its scripts (its context must read them again). */
  scriptsChanged?: (batchId: number) => Promise<void>
  /** Where a recognition step that could not be saved is told and tried again. */
  writes?: BackgroundWrites
  /** Told of each recognition step's lines as soon as their readings are committed. */
  linesRead?: (batchId: number, ids: number[]) => void
}): BatchService {
  const { db, events } = deps
  const scripts = createScriptKeeper({ db, recognizer: deps.recognizer, events, changed: deps.scriptsChanged })
  const jobs = createRecognitionJobs({ ...deps, scripts })
  const lines = createLineQueries(db)
  const images = createLineImages(lines)

  const q = {
    insertBatch: db.prepare('INSERT INTO batches (name, source, skipped_files, opened) VALUES (@name, @source, @skipped, 0)'),
    // A slice of a new batch's lines in one statement: SQLite walks the JSON array itself (a 50,000-line
    // batch took ~150 ms of JavaScript, one insert at a time, on the main thread).
    insertLines: db.prepare('INSERT INTO lines (batch_id, idx, source_path) SELECT @batchId, @first + key, value FROM json_each(@paths)'),
    markOpened: db.prepare('UPDATE batches SET opened = 1 WHERE id = @batchId'),
    dropBatch: db.prepare('DELETE FROM batches WHERE id = @batchId'),
    dropUnopened: db.prepare('DELETE FROM batches WHERE opened = 0'),
    insertPage: db.prepare('INSERT INTO pages (batch_id, seq, source_path, page_no, maybe_line) VALUES (@batchId, @seq, @path, 0, @maybeLine)'),
    summaries: db.prepare<{ id: number | null }, SummaryRow>(`
      SELECT b.id, b.name, b.source, b.created_at AS createdAt, b.skipped_files AS skipped,
             count(l.id) AS lineCount, count(r.line_id) AS doneCount, count(r.error) AS errorCount,
             (SELECT count(*) FROM pages p WHERE p.batch_id = b.id) AS pageCount,
             (SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.detected_at IS NOT NULL) AS pagesDone,
             (SELECT count(*) FROM corrections c JOIN lines m ON m.id = c.line_id WHERE m.batch_id = b.id AND c.not_text = 1
                AND c.id = (SELECT max(c2.id) FROM corrections c2 WHERE c2.line_id = c.line_id)) AS notTextCount
      FROM batches b LEFT JOIN lines l ON l.batch_id = b.id LEFT JOIN readings r ON r.line_id = l.id
      WHERE b.opened = 1 AND (@id IS NULL OR b.id = @id)
      GROUP BY b.id ORDER BY b.id DESC`),
    exists: db.prepare('SELECT 1 FROM batches WHERE id = @batchId AND opened = 1').pluck(),
    bySource: db.prepare('SELECT id FROM batches WHERE source = @source AND opened = 1 ORDER BY id DESC LIMIT 1').pluck(),
    source: db.prepare('SELECT source FROM batches WHERE id = @batchId AND opened = 1').pluck(),
    // Every file the batch was made of: its cut lines' and its documents' (a page row per document at least;
    // a line found on a page keeps its document's path too).
    filesOf: db.prepare(`
      SELECT source_path FROM lines WHERE batch_id = @batchId AND source_path IS NOT NULL
      UNION SELECT source_path FROM pages WHERE batch_id = @batchId`).pluck(),
    lastIdx: db.prepare('SELECT coalesce(max(idx), -1) FROM lines WHERE batch_id = @batchId').pluck(),
    lastSeq: db.prepare('SELECT coalesce(max(seq), -1) FROM pages WHERE batch_id = @batchId').pluck(),
    // The copies' readings were decoded in the source batch's scripts: the copy keeps them (its context too).
    copyBatch: db.prepare(`
      INSERT INTO batches (name, source, opened, scripts, scripts_chosen) SELECT @name, source, 1, scripts, scripts_chosen
      FROM batches b JOIN lines l ON l.batch_id = b.id WHERE l.id = @first`),
    copyLines: db.prepare(`
      INSERT INTO lines (batch_id, idx, source_path, crop) SELECT @batchId, j.key, l.source_path, l.crop
      FROM json_each(@ids) j JOIN lines l ON l.id = j.value`),
    copyReadings: db.prepare(`
      INSERT INTO readings (line_id, model_id, text, confidence, char_confidences, greedy_text, greedy_confidence, error)
      SELECT n.id, r.model_id, r.text, r.confidence, r.char_confidences, r.greedy_text, r.greedy_confidence, r.error
      FROM lines n JOIN json_each(@ids) j ON j.key = n.idx JOIN readings r ON r.line_id = j.value WHERE n.batch_id = @batchId`),
    copyFrames: db.prepare(`
      INSERT INTO reading_frames (line_id, frames, k, dim, features, top_index, top_prob, blank)
      SELECT n.id, f.frames, f.k, f.dim, f.features, f.top_index, f.top_prob, f.blank
      FROM lines n JOIN json_each(@ids) j ON j.key = n.idx JOIN reading_frames f ON f.line_id = j.value WHERE n.batch_id = @batchId`),
  }

  // A batch whose opening a crash cut short was never shown, nor acknowledged to its caller: it goes.
  q.dropUnopened.run()

  function toSummary(row: SummaryRow): BatchSummary {
    const skipped = skippedOf(row.skipped)
    return {
      id: row.id,
      name: row.name,
      source: row.source,
      createdAt: row.createdAt,
      lineCount: row.lineCount,
      doneCount: row.doneCount,
      errorCount: row.errorCount,
      notTextCount: row.notTextCount,
      skippedFiles: skipped.map((s) => s.name),
      skipped,
      pages: { total: row.pageCount, done: row.pagesDone },
      jobId: jobs.jobOf(row.id),
      readingStopped: jobs.stoppedBecause(row.id),
    }
  }

  function summary(batchId: number): BatchSummary {
    const row = q.summaries.get({ id: batchId })
    if (!row) throw new LectorError('not-found', `There is no batch ${batchId}.`)
    return toSummary(row)
  }

  function copyLines(name: string, lineIds: number[]): BatchSummary {
    if (!lineIds.length) throw new LectorError('bad-input', 'There are no lines to copy.')
    const batchId = db.transaction(() => {
      const info = q.copyBatch.run({ name, first: lineIds[0] })
      if (!info.changes) throw new LectorError('not-found', `There is no line ${lineIds[0]}.`)
      const id = Number(info.lastInsertRowid)
      const ids = JSON.stringify(lineIds)
      q.copyLines.run({ batchId: id, ids })
      q.copyReadings.run({ batchId: id, ids })
      q.copyFrames.run({ batchId: id, ids })
      return id
    })()
    events.emit('batches:changed', { ids: [batchId] })
    return summary(batchId)
  }

  async function openFiles(
    name: string,
    source: string,
    paths: string[],
    more: { skipped?: SkippedFile[]; documents?: string[]; undecided?: ReadonlySet<string> } = {},
  ): Promise<BatchSummary> {
    const { skipped = [], documents = [], undecided } = more
    const batchId = db.transaction(() => {
      const id = Number(q.insertBatch.run({ name, source, skipped: JSON.stringify(skipped) }).lastInsertRowid)
      // A document's first page stands for it until it is opened; its other pages are queued then.
      documents.forEach((path, d) => q.insertPage.run({ batchId: id, seq: d * PAGES_PER_DOCUMENT, path, maybeLine: undecided?.has(path) ? 1 : 0 }))
      return id
    })()
    try {
      for (let first = 0; first < paths.length; first += LINES_PER_INSERT) {
        q.insertLines.run({ batchId, first, paths: JSON.stringify(paths.slice(first, first + LINES_PER_INSERT)) })
        await breathe()
      }
      q.markOpened.run({ batchId })
    } catch (err) {
      // Never shown (opened = 0): if even dropping it fails (a full disk), the next start drops it.
      try {
        q.dropBatch.run({ batchId })
      } catch (dropErr) {
        console.error(`could not drop the unopened batch ${batchId}:`, dropErr)
      }
      throw err
    }
    jobs.start(batchId)
    events.emit('batches:changed', { ids: [batchId] })
    return summary(batchId)
  }

  /** The files of `source` (a folder, or one file) that are not in batch `batchId`, sorted as a batch's are. */
  async function newFilesOf(batchId: number, source: string): Promise<SortedFiles> {
    const info = await stat(source).catch(() => null)
    if (!info) throw new LectorError('not-found', `${source} is not there any more.`)
    const have = new Set(q.filesOf.all({ batchId }) as string[])
    const files = (info.isDirectory() ? (await folderFiles(source)).files : [source]).filter((f) => !have.has(f))
    const found = await sortFiles(files)
    // Only what would be read: a file left out (an export, notes) is no news.
    return { ...found, skipped: [] }
  }

  /** The batch already made of `source`, opened again, with the files it does not have; null when there is none. */
  async function reopen(source: string): Promise<BatchSummary | null> {
    const batchId = q.bySource.get({ source }) as number | undefined
    if (batchId === undefined) return null
    const found = await newFilesOf(batchId, source)
    return { ...summary(batchId), reopened: true, newFiles: [...found.lines, ...found.documents].map((f) => basename(f)) }
  }

  /** Appends files to a batch, after its lines and pages, and reads them. */
  async function append(batchId: number, found: SortedFiles): Promise<void> {
    const first = (q.lastIdx.get({ batchId }) as number) + 1
    // A document's pages are numbered from the next free document slot on.
    const firstDoc = Math.floor((q.lastSeq.get({ batchId }) as number) / PAGES_PER_DOCUMENT) + 1
    db.transaction(() => {
      found.documents.forEach((path, d) =>
        q.insertPage.run({ batchId, seq: (firstDoc + d) * PAGES_PER_DOCUMENT, path, maybeLine: found.undecided.has(path) ? 1 : 0 }),
      )
      q.insertLines.run({ batchId, first, paths: JSON.stringify(found.lines) })
    })()
    jobs.resume(batchId)
    // A job still reading the batch takes the new lines in, unless it was ending just now: then the next does.
    void jobs.whenRead(batchId).then(() => jobs.resume(batchId))
    events.emit('batches:changed', { ids: [batchId] })
  }

  return {
    list: () => q.summaries.all({ id: null }).map(toSummary),
    summary,
    exists(batchId) {
      if (!q.exists.get({ batchId })) throw new LectorError('not-found', `There is no batch ${batchId}.`)
    },

    async openFolder({ path, name, fresh }) {
      const folder = resolve(path)
      const info = await stat(folder).catch(() => null)
      if (!info) throw new LectorError('not-found', `Folder not found: ${folder}`)
      if (!info.isDirectory()) throw new LectorError('bad-input', `Not a folder: ${folder}`)
      const again = fresh ? null : await reopen(folder)
      if (again) return again
      const listed = await folderFiles(folder)
      const found = await sortFiles(listed.files)
      const skipped = [...listed.skipped, ...found.skipped]
      if (!found.lines.length && !found.documents.length) {
        throw new LectorError('bad-input', `No line images, page scans or PDFs in ${folder}${onlyFound(skipped)}.`)
      }
      return openFiles(name ?? basename(folder), folder, found.lines, { ...found, skipped })
    },

    async openPaths({ paths, name, fresh }) {
      if (paths.length === 1 && !fresh) {
        const again = await reopen(resolve(paths[0]))
        if (again) return again
      }
      const files: string[] = []
      const skipped: SkippedFile[] = []
      for (const raw of paths) {
        const path = resolve(raw)
        // A path given by name is followed (a link the user chose); what it leads to must be a folder or a
        // regular file.
        const info = await stat(path).catch(() => null)
        if (!info) throw new LectorError('not-found', `Not found: ${path}`)
        if (info.isDirectory()) {
          const listed = await folderFiles(path)
          files.push(...listed.files)
          skipped.push(...listed.skipped)
        } else {
          const why = notRegularFile(info)
          if (why) skipped.push({ name: basename(path), reason: why })
          else files.push(path)
        }
      }
      const found = await sortFiles(files)
      skipped.push(...found.skipped)
      if (!found.lines.length && !found.documents.length) {
        throw new LectorError(
          'bad-input',
          `No line images, page scans or PDFs among ${paths.length === 1 ? paths[0] : `${paths.length} paths`} (Lector reads ${KNOWN_FORMATS})${onlyFound(skipped)}.`,
        )
      }
      const first = resolve(paths[0])
      const source = paths.length === 1 ? first : `${paths.length} items from ${dirname(first)}`
      return openFiles(name ?? (paths.length === 1 ? basename(first) : basename(dirname(first))), source, found.lines, { ...found, skipped })
    },

    async readNew(batchId) {
      const source = q.source.get({ batchId }) as string | undefined
      if (source === undefined) throw new LectorError('not-found', `There is no batch ${batchId}.`)
      const found = await newFilesOf(batchId, source)
      if (found.lines.length || found.documents.length) await append(batchId, found)
      return summary(batchId)
    },

    openFiles,
    copyLines,
    scripts,
    readings: (batchId) => lines.readings(batchId),
    pageView: (lineId) => images.pageView(lineId),
    crop: (lineId) => images.crop(lineId),

    cancel: (jobId) => jobs.cancel(jobId),
    resume(batchId) {
      summary(batchId)
      jobs.resume(batchId)
      events.emit('batches:changed', { ids: [batchId] })
      return summary(batchId)
    },
    resumeUnread: () => jobs.resumeUnread(),
    cancelAll: () => jobs.cancelAll(),
    whenRead: (batchId) => jobs.whenRead(batchId),
    idle: () => jobs.idle(),
  }
}
