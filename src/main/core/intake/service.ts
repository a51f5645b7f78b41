import { randomUUID } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve, sep } from 'node:path'
import sharp from 'sharp'
import type { ApiParsedInput, BatchSummary, CropImage, PageView } from '../../../shared/api'
import { LectorError } from '../errors'
import type { EventBus } from '../event-bus'
import type { ReadResult, Recognizer } from '../recognize/recognizer'
import { encodeFrames } from '../store/frame-codec'
import type { Db } from '../store/db'
import { classifyFile } from './classify'
import { createPageImporter, type PageReader, type PendingPage } from './page-import'
import { breathe } from '../slices'
import { sortInSlices } from '../sort-in-slices'

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp', '.gif']
/** Pages of one document are numbered seq = document × this + page, so pages sort in document order. */
const PAGES_PER_DOCUMENT = 100_000

// Lines per recognition step: each step's readings are committed in one transaction and announced,
// so a crash loses at most one step and the list fills in steadily.
const STEP = 64
/** A new batch's lines are written this many per transaction, with a turn of the event loop between. */
const LINES_PER_INSERT = 5_000

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

interface Job {
  id: string
  batchId: number
  controller: AbortController
  done: Promise<void>
}

export interface BatchService {
  list(): BatchSummary[]
  summary(batchId: number): BatchSummary
  /** Throws not-found unless the batch exists (cheap: no counting, unlike summary). */
  exists(batchId: number): void
  openFolder(input: ApiParsedInput<'batch:openFolder'>): Promise<BatchSummary>
  /**
   * A batch from line images and documents (page scans, multi-page TIFFs, PDFs, whose lines are found
   * first); reading starts at once, in the background.
   */
  openFiles(name: string, source: string, paths: string[], skipped?: string[], documents?: string[]): Promise<BatchSummary>
  /** The page a line was found on, as a preview image with the line's quad on it; null for a cut line. */
  pageView(lineId: number): PageView | null
  /** Every line's reading (engine text and greedy text), in batch order. */
  readings(batchId: number): StoredReading[]
  /** A batch from image files and folders of images (a dropped selection); folders are read one level deep. */
  openPaths(input: ApiParsedInput<'batch:openPaths'>): Promise<BatchSummary>
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

export function createBatchService(deps: { db: Db; recognizer: Recognizer; events: EventBus; pages: PageReader }): BatchService {
  const { db, recognizer, events } = deps
  const jobs = new Map<string, Job>()

  const q = {
    insertBatch: db.prepare('INSERT INTO batches (name, source, skipped_files, opened) VALUES (@name, @source, @skipped, 0)'),
    // A slice of a new batch's lines in one statement: SQLite walks the JSON array itself (a 50,000-line
    // batch took ~150 ms of JavaScript, one insert at a time, on the main thread).
    insertLines: db.prepare('INSERT INTO lines (batch_id, idx, source_path) SELECT @batchId, @first + key, value FROM json_each(@paths)'),
    markOpened: db.prepare('UPDATE batches SET opened = 1 WHERE id = ?'),
    dropBatch: db.prepare('DELETE FROM batches WHERE id = ?'),
    dropUnopened: db.prepare('DELETE FROM batches WHERE opened = 0'),
    insertPage: db.prepare('INSERT INTO pages (batch_id, seq, source_path, page_no) VALUES (@batchId, @seq, @path, 0)'),
    summaries: db.prepare(`
      SELECT b.id, b.name, b.source, b.created_at AS createdAt, b.skipped_files AS skipped,
             count(l.id) AS lineCount, count(r.line_id) AS doneCount, count(r.error) AS errorCount,
             (SELECT count(*) FROM pages p WHERE p.batch_id = b.id) AS pageCount,
             (SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.detected_at IS NOT NULL) AS pagesDone
      FROM batches b LEFT JOIN lines l ON l.batch_id = b.id LEFT JOIN readings r ON r.line_id = l.id
      WHERE b.opened = 1 AND (@id IS NULL OR b.id = @id)
      GROUP BY b.id ORDER BY b.id DESC`),
    // One recognition step's unread lines after `after` (keyset paging: a 50,000-line batch is never
    // fetched at once on the main thread).
    pending: db.prepare(`
      SELECT l.id, l.idx, l.source_path AS path, l.crop FROM lines l LEFT JOIN readings r ON r.line_id = l.id
      WHERE l.batch_id = @batchId AND l.idx > @after AND r.line_id IS NULL ORDER BY l.idx LIMIT @limit`),
    pendingCount: db.prepare(`
      SELECT count(*) FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = ? AND r.line_id IS NULL`).pluck(),
    nextPage: db.prepare(`
      SELECT id, batch_id AS batchId, seq, source_path AS path, page_no AS pageNo FROM pages
      WHERE batch_id = ? AND detected_at IS NULL ORDER BY seq LIMIT 1`),
    pageCounts: db.prepare(`
      SELECT count(*) AS total, count(detected_at) AS done FROM pages WHERE batch_id = ?`),
    pageView: db.prepare(`
      SELECT p.page_no AS pageNo, p.width, p.height, p.preview, l.quad, l.source_path AS path
      FROM lines l JOIN pages p ON p.id = l.page_id WHERE l.id = ?`),
    insertReading: db.prepare(`
      INSERT OR REPLACE INTO readings (line_id, model_id, text, confidence, char_confidences, greedy_text, greedy_confidence, error)
      VALUES (@lineId, @modelId, @text, @confidence, @charConfidences, @greedyText, @greedyConfidence, @error)`),
    // The frames a reading keeps for in-context review, in a table of their own (migration 0007).
    insertFrames: db.prepare(`
      INSERT OR REPLACE INTO reading_frames (line_id, frames, k, dim, features, top_index, top_prob, blank)
      VALUES (@lineId, @frames, @k, @dim, @features, @topIndex, @topProb, @blank)`),
    dropFrames: db.prepare('DELETE FROM reading_frames WHERE line_id = ?'),
    readings: db.prepare(`
      SELECT l.id, l.idx AS "index", l.source_path AS path, r.text, r.confidence, r.greedy_text AS greedyText,
             r.greedy_confidence AS greedyConfidence, r.error
      FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = ? ORDER BY l.idx`),
    exists: db.prepare('SELECT 1 FROM batches WHERE id = ? AND opened = 1').pluck(),
    setReading: db.prepare('UPDATE batches SET reading = @reading WHERE id = @batchId'),
    unread: db.prepare(`
      SELECT b.id FROM batches b WHERE b.opened = 1 AND b.reading = 'wanted' AND (
        EXISTS (SELECT 1 FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = b.id AND r.line_id IS NULL)
        OR EXISTS (SELECT 1 FROM pages p WHERE p.batch_id = b.id AND p.detected_at IS NULL)) ORDER BY b.id`).pluck(),
    line: db.prepare('SELECT source_path AS path, crop FROM lines WHERE id = ?'),
  }

  // A batch whose opening a crash cut short was never shown, nor acknowledged to its caller: it goes.
  q.dropUnopened.run()

  const writeReadings = db.transaction((lineIds: number[], results: ReadResult[]) => {
    results.forEach((r, i) => {
      const lineId = lineIds[i]
      const modelId = recognizer.model.id
      if (!r.ok) {
        q.insertReading.run({ lineId, modelId, text: '', confidence: 0, charConfidences: null, greedyText: null, greedyConfidence: null, error: r.error })
        q.dropFrames.run(lineId)
        return
      }
      q.insertReading.run({
        lineId,
        modelId,
        text: r.reading.text,
        confidence: r.reading.confidence,
        charConfidences: Buffer.from(new Float32Array(r.reading.charConfidences).buffer),
        greedyText: r.reading.greedy.text,
        greedyConfidence: r.reading.greedy.confidence,
        error: null,
      })
      q.insertFrames.run({ lineId, ...encodeFrames(r.reading.cache) })
    })
  })

  function jobFor(batchId: number): Job | undefined {
    for (const job of jobs.values()) if (job.batchId === batchId) return job
    return undefined
  }

  function toSummary(row: any): BatchSummary {
    return {
      id: row.id,
      name: row.name,
      source: row.source,
      createdAt: row.createdAt,
      lineCount: row.lineCount,
      doneCount: row.doneCount,
      errorCount: row.errorCount,
      skippedFiles: JSON.parse(row.skipped),
      pages: { total: row.pageCount, done: row.pagesDone },
      jobId: jobFor(row.id)?.id ?? null,
    }
  }

  function summary(batchId: number): BatchSummary {
    const row = q.summaries.get({ id: batchId })
    if (!row) throw new LectorError('not-found', `There is no batch ${batchId}.`)
    return toSummary(row)
  }

  async function openFiles(name: string, source: string, paths: string[], skipped: string[] = [], documents: string[] = []): Promise<BatchSummary> {
    const batchId = db.transaction(() => {
      const id = Number(q.insertBatch.run({ name, source, skipped: JSON.stringify(skipped) }).lastInsertRowid)
      // A document's first page stands for it until it is opened; its other pages are queued then.
      documents.forEach((path, d) => q.insertPage.run({ batchId: id, seq: d * PAGES_PER_DOCUMENT, path }))
      return id
    })()
    try {
      for (let first = 0; first < paths.length; first += LINES_PER_INSERT) {
        q.insertLines.run({ batchId, first, paths: JSON.stringify(paths.slice(first, first + LINES_PER_INSERT)) })
        await breathe()
      }
      q.markOpened.run(batchId)
    } catch (err) {
      q.dropBatch.run(batchId)
      throw err
    }
    startJob(batchId)
    events.emit('batches:changed', { ids: [batchId] })
    return summary(batchId)
  }

  function startJob(batchId: number): Job {
    const controller = new AbortController()
    const job: Job = { id: randomUUID(), batchId, controller, done: Promise.resolve() }
    jobs.set(job.id, job)
    job.done = runJob(job).finally(() => {
      jobs.delete(job.id)
      events.emit('batches:changed', { ids: [batchId] })
    })
    return job
  }

  async function runJob(job: Job): Promise<void> {
    // Each job its own importer: it keeps its current document open, and two batches read at once must
    // not close each other's.
    const importer = createPageImporter({ db, reader: deps.pages })
    const started = performance.now()
    let done = 0
    let total = q.pendingCount.get(job.batchId) as number
    const progress = (state: 'running' | 'finished' | 'cancelled' | 'failed', message?: string) => {
      const seconds = (performance.now() - started) / 1000
      const pages = q.pageCounts.get(job.batchId) as { total: number; done: number }
      events.emit('job:progressed', {
        jobId: job.id,
        batchId: job.batchId,
        done,
        total,
        linesPerSecond: seconds > 0 ? done / seconds : 0,
        state,
        ...(pages.total ? { pages } : {}),
        ...(message ? { message } : {}),
      })
    }
    progress('running')
    try {
      // Page by page: find a page's lines, then read every line still unread (that page's), so the list
      // fills in page by page. A batch of cut lines has no pages: it is one round of reading.
      for (;;) {
        const page = q.nextPage.get(job.batchId) as PendingPage | undefined
        if (page) {
          const ids = await importer.detect(page, job.controller.signal)
          total += ids.length
          events.emit('lines:changed', { batchId: job.batchId, ids })
          events.emit('batches:changed', { ids: [job.batchId] })
        }
        for (let after = -1; ; ) {
          const step = q.pending.all({ batchId: job.batchId, after, limit: STEP }) as Array<{ id: number; idx: number; path: string | null; crop: Buffer | null }>
          if (!step.length) break
          after = step[step.length - 1].idx
          const results = await recognizer.read(
            step.map((l) => l.crop ?? l.path ?? ''),
            { signal: job.controller.signal },
          )
          writeReadings(step.map((l) => l.id), results)
          done += step.length
          events.emit('lines:changed', { batchId: job.batchId, ids: step.map((l) => l.id) })
          progress('running')
        }
        if (!page) break
      }
      await importer.release()
      progress('finished')
    } catch (err) {
      await importer.release()
      if (job.controller.signal.aborted) progress('cancelled', 'Cancelled; lines read so far are kept.')
      else progress('failed', err instanceof Error ? err.message : String(err))
    }
  }

  return {
    list: () => (q.summaries.all({ id: null }) as any[]).map(toSummary),
    summary,
    exists(batchId) {
      if (!q.exists.get(batchId)) throw new LectorError('not-found', `There is no batch ${batchId}.`)
    },

    async openFolder({ path, name }) {
      const folder = resolve(path)
      const info = await stat(folder).catch(() => null)
      if (!info) throw new LectorError('not-found', `Folder not found: ${folder}`)
      if (!info.isDirectory()) throw new LectorError('bad-input', `Not a folder: ${folder}`)
      const found = await sortFiles(await folderFiles(folder))
      if (!found.lines.length && !found.documents.length) {
        throw new LectorError(
          'bad-input',
          `No line images, page scans or PDFs in ${folder}${found.skipped.length ? ` (found only ${found.skipped.slice(0, 5).join(', ')})` : ''}.`,
        )
      }
      return openFiles(name ?? basename(folder), folder, found.lines, found.skipped, found.documents)
    },

    async openPaths({ paths, name }) {
      const files: string[] = []
      for (const raw of paths) {
        const path = resolve(raw)
        const info = await stat(path).catch(() => null)
        if (!info) throw new LectorError('not-found', `Not found: ${path}`)
        if (info.isDirectory()) files.push(...(await folderFiles(path)))
        else files.push(path)
      }
      const found = await sortFiles(files)
      if (!found.lines.length && !found.documents.length) {
        throw new LectorError(
          'bad-input',
          `No line images, page scans or PDFs among ${paths.length === 1 ? paths[0] : `${paths.length} paths`} (Lector reads ${KNOWN_FORMATS}).`,
        )
      }
      const first = resolve(paths[0])
      const source = paths.length === 1 ? first : `${paths.length} items from ${dirname(first)}`
      return openFiles(name ?? (paths.length === 1 ? basename(first) : basename(dirname(first))), source, found.lines, found.skipped, found.documents)
    },

    pageView(lineId) {
      const row = q.pageView.get(lineId) as { pageNo: number; width: number; height: number; preview: Buffer | null; quad: string | null; path: string } | undefined
      if (!row) {
        if (!q.line.get(lineId)) throw new LectorError('not-found', `There is no line ${lineId}.`)
        return null
      }
      if (!row.preview) return null
      return {
        file: basename(row.path),
        page: row.pageNo + 1,
        width: row.width,
        height: row.height,
        quad: row.quad ? JSON.parse(row.quad) : null,
        dataUrl: `data:image/jpeg;base64,${row.preview.toString('base64')}`,
      }
    },

    openFiles,

    readings(batchId) {
      return (q.readings.all(batchId) as any[]).map((r) => ({ ...r, file: r.path ? basename(r.path) : '' }))
    },

    async crop(lineId) {
      const line = q.line.get(lineId) as { path: string | null; crop: Buffer | null } | undefined
      if (!line) throw new LectorError('not-found', `There is no line ${lineId}.`)
      const source = line.crop ?? line.path
      if (!source) throw new LectorError('not-found', `Line ${lineId} has no image.`)
      try {
        // A display copy: upright, at most 96 px high and 2,000 px wide, so a long list stays light.
        const png = await sharp(source, { failOn: 'error' })
          .rotate()
          .resize({ height: 96, width: 2000, fit: 'inside', withoutEnlargement: true })
          .png()
          .toBuffer()
        return { mime: 'image/png', dataUrl: `data:image/png;base64,${png.toString('base64')}` }
      } catch (err) {
        throw new LectorError('unreadable', `Cannot show the image of line ${lineId}: ${(err as Error).message}`)
      }
    },

    cancel(jobId) {
      const job = jobs.get(jobId)
      if (!job) return false
      q.setReading.run({ batchId: job.batchId, reading: 'stopped' })
      job.controller.abort()
      return true
    },
    resume(batchId) {
      summary(batchId)
      q.setReading.run({ batchId, reading: 'wanted' })
      if (!jobFor(batchId) && (q.pendingCount.get(batchId) || q.nextPage.get(batchId))) startJob(batchId)
      events.emit('batches:changed', { ids: [batchId] })
      return summary(batchId)
    },
    resumeUnread() {
      const ids = q.unread.all() as number[]
      for (const batchId of ids) if (!jobFor(batchId)) startJob(batchId)
      return ids
    },
    cancelAll() {
      for (const job of jobs.values()) job.controller.abort()
    },
    async whenRead(batchId) {
      await jobFor(batchId)?.done
    },
    async idle() {
      await Promise.all([...jobs.values()].map((j) => j.done))
    },
  }
}

const KNOWN_FORMATS = 'PNG, JPEG, WebP, GIF, BMP and TIFF images and PDFs'
const PDF_EXTENSION = '.pdf'

// One collator for every comparison: localeCompare with options builds one per call, which made sorting
// a 50,000-file folder a few hundred milliseconds of main-thread work.
const naturalOrder = new Intl.Collator(undefined, { numeric: true })

/** A folder's files, one level deep, hidden ones left out, in natural name order. */
async function folderFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((err: Error) => {
    throw new LectorError('unreadable', `Cannot read the folder ${folder}: ${err.message}`)
  })
  const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name)
  // A name from readdir has no separator: the folder is joined once, not normalised 50,000 times again.
  const prefix = join(folder, sep)
  return (await sortInSlices(names, naturalOrder.compare)).map((f) => prefix + f)
}

/**
 * Line images, documents (pages to detect first) and the files left out, by content (see classify.ts). A
 * file whose content is unreadable but whose name says image or PDF is kept, so it fails with its
 * decoder's own message where the reviewer sees it; other unknown files are left out by name.
 */
async function sortFiles(files: string[]): Promise<{ lines: string[]; documents: string[]; skipped: string[] }> {
  const out = { lines: [] as string[], documents: [] as string[], skipped: [] as string[] }
  const CONCURRENT = 64
  for (let i = 0; i < files.length; i += CONCURRENT) {
    const slice = files.slice(i, i + CONCURRENT)
    const kinds = await Promise.all(slice.map(classifyFile))
    slice.forEach((path, j) => {
      const ext = extname(path).toLowerCase()
      const kind = kinds[j] !== 'unknown' ? kinds[j] : ext === PDF_EXTENSION ? 'document' : IMAGE_EXTENSIONS.includes(ext) ? 'line' : 'unknown'
      if (kind === 'line') out.lines.push(path)
      else if (kind === 'document') out.documents.push(path)
      else out.skipped.push(basename(path))
    })
  }
  return out
}

