import sharp from 'sharp'
import { libraryWriteTrouble, type Db } from '../store/db'
import type { DetectedLine, Detector, PageSource, Quad } from '../pages/types'
import { detectionJunk } from '../store/line-junk'
import { LectorError } from '../errors'
import { settleOrientation, type ReadConfidence } from '../detect/settle'
import { isOneLine } from './classify'

/** What page import needs from the engine: documents opened and lines found, both off the main thread. */
export interface PageReader {
  open(path: string): Promise<PageSource>
  detector(): Promise<Detector>
  close(): Promise<void>
}

export interface PendingPage {
  id: number
  batchId: number
  /** Its place in the batch: document × PAGES_PER_DOCUMENT + page. */
  seq: number
  path: string
  pageNo: number
  /** An image whose size did not tell a page from a cut line: its lines decide (classify.ts). */
  maybeLine: number
}

/** The longest side of a page's stored preview: enough to see where a line sits, ~100–200 KB as JPEG. */
const PREVIEW_SIDE = 1600

/**
 * Finds the lines of queued pages and stores them. A document stays open while its pages are read in
 * order, so a 300-page PDF is parsed once. Every page ends in one transaction: its lines (crop, quad) and
 * its preview, or its error as a failed line of its own, so the reviewer sees what went wrong where.
 */
export function createPageImporter(deps: {
  db: Db
  reader: PageReader
  /** Reads crops for their confidence: which way up a doubtful line is (detect/settle.ts). */
  readConfidence: ReadConfidence
}) {
  const { db, reader } = deps
  const q = {
    nextIdx: db.prepare('SELECT coalesce(max(idx), -1) + 1 FROM lines WHERE batch_id = ?').pluck(),
    insertLine: db.prepare(
      `INSERT INTO lines (batch_id, idx, source_path, crop, page_id, quad, det_score, det_junk)
       VALUES (@batchId, @idx, @path, @crop, @pageId, @quad, @detScore, @detJunk)`,
    ),
    queuePage: db.prepare('INSERT OR IGNORE INTO pages (batch_id, seq, source_path, page_no) VALUES (@batchId, @seq, @path, @pageNo)'),
    failLine: db.prepare(`INSERT INTO readings (line_id, model_id, text, confidence, error) VALUES (?, '', '', 0, ?)`),
    dropPage: db.prepare('DELETE FROM pages WHERE id = @id'),
    done: db.prepare(
      `UPDATE pages SET width = @width, height = @height, preview = @preview, error = @error,
         detected_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = @id`,
    ),
  }

  const store = db.transaction(
    (
      page: PendingPage,
      result: { pageCount: number; width: number; height: number; preview: Buffer | null; lines: DetectedLine[]; error: string | null },
    ) => {
      // A document's first page queues the others, now that its page count is known.
      if (page.pageNo === 0) {
        for (let n = 1; n < result.pageCount; n++) q.queuePage.run({ batchId: page.batchId, seq: page.seq + n, path: page.path, pageNo: n })
      }
      let idx = q.nextIdx.get(page.batchId) as number
      const ids: number[] = []
      for (const line of result.lines) {
        const info = q.insertLine.run({
          batchId: page.batchId,
          idx: idx++,
          path: page.path,
          crop: line.crop,
          pageId: page.id,
          quad: JSON.stringify(line.quad),
          detScore: line.score,
          detJunk: detectionJunk(quadSize(line.quad), line.contrast) ? 1 : 0,
        })
        ids.push(Number(info.lastInsertRowid))
      }
      if (result.error) {
        const info = q.insertLine.run({ batchId: page.batchId, idx, path: page.path, crop: null, pageId: page.id, quad: null, detScore: null, detJunk: 0 })
        q.failLine.run(info.lastInsertRowid, result.error)
        ids.push(Number(info.lastInsertRowid))
      }
      q.done.run({ id: page.id, width: result.width, height: result.height, preview: result.preview, error: result.error })
      return ids
    },
  )

  /** An image found to be one line: a cut line of the batch from now on, read whole; its page row goes. */
  const storeAsLine = db.transaction((page: PendingPage) => {
    const idx = q.nextIdx.get(page.batchId) as number
    const info = q.insertLine.run({ batchId: page.batchId, idx, path: page.path, crop: null, pageId: null, quad: null, detScore: null, detJunk: 0 })
    q.dropPage.run({ id: page.id })
    return [Number(info.lastInsertRowid)]
  })

  let openDoc: { path: string; source: Promise<PageSource> } | null = null
  async function sourceFor(path: string): Promise<PageSource> {
    if (openDoc?.path !== path) {
      await release()
      openDoc = { path, source: reader.open(path) }
    }
    return openDoc.source
  }
  async function release() {
    const doc = openDoc
    openDoc = null
    await doc?.source.then((s) => s.close()).catch(() => undefined)
  }

  return {
    /** Detects one page and stores its lines; returns the new line ids (pending recognition). */
    async detect(page: PendingPage, signal?: AbortSignal): Promise<number[]> {
      let pageCount = 1
      try {
        const source = await sourceFor(page.path)
        pageCount = source.pageCount
        if (page.pageNo >= source.pageCount) throw new LectorError('not-found', `${page.path} has no page ${page.pageNo + 1} any more.`)
        const raster = await source.render(page.pageNo)
        const { width, height } = raster
        // The preview first: detection takes the page's memory over.
        const preview = await sharp(raster.data, { raw: { width, height, channels: 3 } })
          .resize({ width: PREVIEW_SIDE, height: PREVIEW_SIDE, fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 80 })
          .toBuffer()
        const detector = await reader.detector()
        const found = await detector.detect(raster, { signal })
        if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
        if (page.maybeLine && isOneLine(found.map((l) => l.quad), width, height)) return storeAsLine(page)
        const lines = await settleOrientation(found, deps.readConfidence)
        if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
        // A page without text still shows up, as a line that says so: a blank or unreadable scan must not
        // vanish from the batch unnoticed.
        const error = lines.length ? null : `No text lines found on page ${page.pageNo + 1} of ${page.path}.`
        return store(page, { pageCount: source.pageCount, width, height, preview, lines, error })
      } catch (err) {
        if ((err as Error).name === 'AbortError' || signal?.aborted) throw err
        // The library refused the page's lines (a full disk): the page is not at fault, and stays to be read.
        if (libraryWriteTrouble(err)) throw err
        // A page that cannot be opened, rendered or detected fails alone, with its reason.
        const message = err instanceof LectorError ? err.message : `Cannot read page ${page.pageNo + 1} of ${page.path}: ${(err as Error).message}`
        return store(page, { pageCount, width: 0, height: 0, preview: null, lines: [], error: message })
      }
    },
    release,
  }
}

/** A quad's size on its page: its longer pairs of opposite sides. */
function quadSize(quad: Quad): { width: number; height: number } {
  const d = (a: [number, number], b: [number, number]) => Math.hypot(b[0] - a[0], b[1] - a[1])
  return { width: Math.max(d(quad[0], quad[1]), d(quad[3], quad[2])), height: Math.max(d(quad[0], quad[3]), d(quad[1], quad[2])) }
}
