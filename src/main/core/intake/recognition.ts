// Reading a batch: one job per batch, in the background. Page by page, a page's lines are found first,
// then every line still unread is read, STEP lines at a time, each step committed and announced. A batch
// the reviewer cancelled stays stopped until resumed; one a crash or a quit cut short carries on at the
// next start.
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { BackgroundWrites } from '../background-writes'
import type { EventBus } from '../event-bus'
import { pageLimits } from '../pages/limits'
import { formatBytes, notRegularFile } from '../safe-files'
import type { ReadResult, Recognizer } from '../recognize/recognizer'
import { libraryWriteProblem, type Db } from '../store/db'
import { encodeFrames } from '../store/frame-codec'
import { createPageImporter, type PageReader, type PendingPage } from './page-import'
import { PROPOSE_AFTER, type ScriptKeeper } from './scripts'

// Lines per recognition step: each step's readings are committed in one transaction and announced,
// so a crash loses at most one step and the list fills in steadily.
const STEP = 64

interface Job {
  id: string
  batchId: number
  controller: AbortController
  done: Promise<void>
}

export interface RecognitionJobs {
  /** The id of the job reading a batch, null when none is. */
  jobOf(batchId: number): string | null
  start(batchId: number): void
  /** Cancels a job; a cancelled batch stays stopped (not resumed on the next start) until `resume`. */
  cancel(jobId: string): boolean
  /** Reads a batch's unread lines (again wanted); no-op when a job is already reading it. */
  resume(batchId: number): void
  /** At start: resumes every batch whose reading was cut short (a crash, a quit), not those cancelled. */
  resumeUnread(): number[]
  /** Stops every job for shutdown; the batches are resumed on the next start. */
  cancelAll(): void
  /** Resolves when the batch's recognition job (if any) has ended. */
  whenRead(batchId: number): Promise<void>
  idle(): Promise<void>
  /** Why reading the batch stopped before its end (the library's disk is full…) while it waits to carry on; null otherwise. */
  stoppedBecause(batchId: number): string | null
}

/** Why a line image file is not read at all, or null (a file that is gone fails in the decoder, in its words). */
async function fileRefused(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null)
  if (!info) return null
  const why = notRegularFile(info)
  if (why) return `${path} is ${why}: Lector opens only regular files.`
  if (info.size > pageLimits.maxFileBytes) return `${path} is too large (${formatBytes(info.size)}; Lector opens files of at most ${formatBytes(pageLimits.maxFileBytes)}).`
  return null
}

export function createRecognitionJobs(deps: {
  db: Db
  recognizer: Recognizer
  events: EventBus
  pages: PageReader
  scripts: ScriptKeeper
  /** Where a step that could not be saved is told and tried again (see background-writes.ts). */
  writes?: BackgroundWrites
  /** Told of a step's lines once their readings are committed (an open context reads them at once). */
  linesRead?: (batchId: number, ids: number[]) => void
}): RecognitionJobs {
  const { db, recognizer, events } = deps
  const jobs = new Map<string, Job>()
  /** Batches whose reading a refused write stopped, with the message that says so. */
  const stopped = new Map<number, string>()

  const q = {
    // One recognition step's unread lines after `after` (keyset paging: a 50,000-line batch is never
    // fetched at once on the main thread).
    pending: db.prepare(`
      SELECT l.id, l.idx, l.source_path AS path, l.crop FROM lines l LEFT JOIN readings r ON r.line_id = l.id
      WHERE l.batch_id = @batchId AND l.idx > @after AND r.line_id IS NULL ORDER BY l.idx LIMIT @limit`),
    readCount: db.prepare('SELECT count(*) FROM lines l JOIN readings r ON r.line_id = l.id WHERE l.batch_id = @batchId').pluck(),
    pendingCount: db.prepare(`
      SELECT count(*) FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = @batchId AND r.line_id IS NULL`).pluck(),
    nextPage: db.prepare(`
      SELECT id, batch_id AS batchId, seq, source_path AS path, page_no AS pageNo, maybe_line AS maybeLine FROM pages
      WHERE batch_id = @batchId AND detected_at IS NULL ORDER BY seq LIMIT 1`),
    pageCounts: db.prepare(`
      SELECT count(*) AS total, count(detected_at) AS done FROM pages WHERE batch_id = @batchId`),
    insertReading: db.prepare(`
      INSERT OR REPLACE INTO readings (line_id, model_id, text, confidence, char_confidences, greedy_text, greedy_confidence, error)
      VALUES (@lineId, @modelId, @text, @confidence, @charConfidences, @greedyText, @greedyConfidence, @error)`),
    // The frames a reading keeps for in-context review, in a table of their own (migration 0007).
    insertFrames: db.prepare(`
      INSERT OR REPLACE INTO reading_frames (line_id, frames, k, dim, features, top_index, top_prob, blank)
      VALUES (@lineId, @frames, @k, @dim, @features, @topIndex, @topProb, @blank)`),
    dropFrames: db.prepare('DELETE FROM reading_frames WHERE line_id = @lineId'),
    setReading: db.prepare('UPDATE batches SET reading = @reading WHERE id = @batchId'),
    counts: db.prepare(`
      SELECT count(l.id) AS total, count(r.line_id) AS done FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = @batchId`),
    unread: db.prepare(`
      SELECT b.id FROM batches b WHERE b.opened = 1 AND b.reading = 'wanted' AND (
        EXISTS (SELECT 1 FROM lines l LEFT JOIN readings r ON r.line_id = l.id WHERE l.batch_id = b.id AND r.line_id IS NULL)
        OR EXISTS (SELECT 1 FROM pages p WHERE p.batch_id = b.id AND p.detected_at IS NULL)) ORDER BY b.id`).pluck(),
  }

  const writeReadings = db.transaction((lineIds: number[], results: ReadResult[]) => {
    results.forEach((r, i) => {
      const lineId = lineIds[i]
      const modelId = recognizer.model.id
      if (!r.ok) {
        q.insertReading.run({ lineId, modelId, text: '', confidence: 0, charConfidences: null, greedyText: null, greedyConfidence: null, error: r.error })
        q.dropFrames.run({ lineId })
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

  /**
   * A step's lines read. A line image file must still be a regular file of bounded size: one replaced by a
   * FIFO since the batch was opened would hold a decoder thread forever. It fails alone, with its reason.
   */
  async function readStep(step: Array<{ path: string | null; crop: Buffer | null }>, signal: AbortSignal, scripts: ReturnType<ScriptKeeper['readIn']>): Promise<ReadResult[]> {
    const refused = await Promise.all(step.map((l) => (l.crop || !l.path ? Promise.resolve(null) : fileRefused(l.path))))
    const readable = step.flatMap((l, i) => (refused[i] === null ? [l.crop ?? l.path ?? ''] : []))
    const read = await recognizer.read(readable, { signal, scripts })
    let next = 0
    return refused.map((why) => (why === null ? read[next++] : { ok: false, error: why }))
  }

  function jobFor(batchId: number): Job | undefined {
    for (const job of jobs.values()) if (job.batchId === batchId) return job
    return undefined
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
    const importer = createPageImporter({
      db,
      reader: deps.pages,
      readConfidence: async (crops) =>
        (await recognizer.read(crops, { signal: job.controller.signal, scripts: deps.scripts.readIn(job.batchId) })).map((r) =>
          r.ok ? r.reading.confidence : 0,
        ),
    })
    const started = performance.now()
    let done = 0
    let total = q.pendingCount.get({ batchId: job.batchId }) as number
    let readSoFar = q.readCount.get({ batchId: job.batchId }) as number
    const progress = (state: 'running' | 'finished' | 'cancelled' | 'failed', message?: string) => {
      const seconds = (performance.now() - started) / 1000
      const pages = q.pageCounts.get({ batchId: job.batchId }) as { total: number; done: number }
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
        const page = q.nextPage.get({ batchId: job.batchId }) as PendingPage | undefined
        if (page) {
          const ids = await importer.detect(page, job.controller.signal)
          total += ids.length
          events.emit('lines:changed', { batchId: job.batchId, ids })
          events.emit('batches:changed', { ids: [job.batchId] })
          // The page's lines count at once, as the list and the batch's summary count them.
          progress('running')
        }
        for (let after = -1; ; ) {
          const step = q.pending.all({ batchId: job.batchId, after, limit: STEP }) as Array<{ id: number; idx: number; path: string | null; crop: Buffer | null }>
          if (!step.length) break
          after = step[step.length - 1].idx
          // In the batch's scripts once they are known (proposed after its first readings, or chosen).
          const scripts = deps.scripts.readIn(job.batchId)
          const results = await readStep(step, job.controller.signal, scripts)
          writeReadings(step.map((l) => l.id), results)
          carriedOn(job.batchId)
          // The scripts changed while the step was read (the reviewer chose): its lines follow them too.
          if (String(deps.scripts.readIn(job.batchId)) !== String(scripts)) await deps.scripts.redecode(job.batchId, step.map((l) => l.id))
          // An open context takes the step's lines as the library now has them.
          deps.linesRead?.(job.batchId, step.map((l) => l.id))
          done += step.length
          readSoFar += step.length
          if (!scripts && readSoFar >= PROPOSE_AFTER) await deps.scripts.propose(job.batchId)
          events.emit('lines:changed', { batchId: job.batchId, ids: step.map((l) => l.id) })
          progress('running')
        }
        if (!page) break
      }
      // A batch smaller than a proposal's share of lines gets its scripts once it is read.
      if (!deps.scripts.readIn(job.batchId)) await deps.scripts.propose(job.batchId)
      await importer.release()
      carriedOn(job.batchId)
      progress('finished')
    } catch (err) {
      await importer.release()
      const problem = job.controller.signal.aborted ? null : libraryWriteProblem(err, db.name)
      if (problem) {
        // The library's disk refused a step (it is rolled back whole): what was read before is saved, and
        // reading carries on by itself once there is room again.
        const { total: lines, done: read } = q.counts.get({ batchId: job.batchId }) as { total: number; done: number }
        const message =
          `Reading stopped at ${read} of ${lines} lines: ${problem.cause}. The lines read so far are saved; ` +
          `reading carries on by itself once you ${problem.remedy}.`
        stopped.set(job.batchId, message)
        progress('failed', message)
        const batchId = job.batchId
        // Started again without a write of its own (marking the batch wanted would be refused too).
        deps.writes?.failed(`reading:${batchId}`, message, () => void (jobFor(batchId) ?? startJob(batchId)), batchId)
        return
      }
      carriedOn(job.batchId)
      if (job.controller.signal.aborted) progress('cancelled', 'Cancelled; lines read so far are kept.')
      else progress('failed', err instanceof Error ? err.message : String(err))
    }
  }

  /** A batch's reading went on (or ended) after a refused write: nothing to retry, nothing to tell. */
  function carriedOn(batchId: number) {
    if (!stopped.delete(batchId)) return
    deps.writes?.succeeded(`reading:${batchId}`)
    events.emit('batches:changed', { ids: [batchId] })
  }

  return {
    jobOf: (batchId) => jobFor(batchId)?.id ?? null,
    start: (batchId) => void startJob(batchId),
    cancel(jobId) {
      const job = jobs.get(jobId)
      if (!job) return false
      job.controller.abort()
      try {
        q.setReading.run({ batchId: job.batchId, reading: 'stopped' })
      } catch (err) {
        // A library that cannot be written to (a full disk) still stops reading now; it resumes at the next start.
        console.error(`could not keep batch ${job.batchId} as cancelled:`, err)
      }
      return true
    },
    resume(batchId) {
      q.setReading.run({ batchId, reading: 'wanted' })
      if (!jobFor(batchId) && (q.pendingCount.get({ batchId }) || q.nextPage.get({ batchId }))) startJob(batchId)
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
    stoppedBecause: (batchId) => stopped.get(batchId) ?? null,
  }
}
