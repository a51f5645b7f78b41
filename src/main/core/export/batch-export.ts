// A batch as the reviewer left it, to CSV or JSON: written in pieces (50,000 lines in seconds without
// holding the whole file, or the main thread), with `job:progressed` after each piece. To a file on the
// engine's machine (written beside it, then renamed, so a half-written export never replaces a good one;
// an existing file only when the user said so, never through a link) or to any writable stream (the
// browser shell's download).
import { randomUUID } from 'node:crypto'
import type { Writable } from 'node:stream'
import type { ExportFormat, ExportResult } from '../../../shared/api'
import type { ListEntry, LineIndex } from '../review/listing'
import type { EventBus } from '../event-bus'
import { createFileSafely } from '../safe-files'
import { timeSlices } from '../slices'
import { csvChunk, type Cell } from './csv'

export const EXPORT_COLUMNS = ['file', 'page', 'line', 'quad', 'text', 'status', 'confidence', 'model_text', 'error']
/** Lines made into text at once; they are written (and progress announced) a time slice at a time. */
const ROWS = 200

export type ExportStatus = 'corrected' | 'accepted' | 'context' | 'model' | 'failed' | 'pending' | 'not-text'

export function exportStatus(e: ListEntry): ExportStatus {
  if (e.notText) return 'not-text'
  if (e.source === 'human') return e.review === 'accepted' ? 'accepted' : 'corrected'
  if (e.state !== 'read') return e.state
  return e.source === 'context' ? 'context' : 'model'
}

/**
 * One exported line. A line found on a page has its page, its number on that page (reading order) and its
 * quad (`x,y x,y x,y x,y` in page pixels, clockwise from the text's top-left); a cut line image is its own
 * page: page 1, its number in the batch, no quad. A reviewed line's confidence is 1: a person read it.
 */
function record(e: ListEntry) {
  const quad = e.quad ? (JSON.parse(e.quad) as number[][]).map(([x, y]) => `${Math.round(x)},${Math.round(y)}`).join(' ') : ''
  return {
    file: e.file,
    page: e.page ?? 1,
    line: e.lineOnPage ?? e.index + 1,
    quad,
    // A line marked not text keeps its place and what the model read of it, but has no text.
    text: e.state === 'failed' || e.notText ? '' : e.text,
    status: exportStatus(e),
    confidence: e.source === 'human' ? 1 : Math.round(e.confidence * 10_000) / 10_000,
    model_text: e.modelText,
    error: e.error ?? '',
  }
}

interface Sink {
  write(chunk: string): Promise<void>
}

export interface Exporter {
  /** To a file at an absolute path; an existing file is replaced only with `overwrite` (see safe-files.ts). */
  toFile(input: { batchId: number; format: ExportFormat; path: string; bom: boolean; overwrite?: boolean; jobId?: string }): Promise<ExportResult>
  toStream(input: { batchId: number; format: ExportFormat; bom: boolean }, out: Writable): Promise<void>
}

export function createExporter(deps: { index: LineIndex; events: EventBus; exists: (batchId: number) => void }): Exporter {
  const { index, events } = deps

  async function write(batchId: number, format: ExportFormat, bom: boolean, sink: Sink, jobId: string): Promise<number> {
    deps.exists(batchId)
    // A snapshot: corrections arriving while the file is written land in the next export.
    const entries = (await index.entries(batchId)).slice()
    const total = entries.length
    const started = performance.now()
    const progress = (done: number, state: 'running' | 'finished' | 'failed', message?: string) => {
      const seconds = (performance.now() - started) / 1000
      events.emit('job:progressed', {
        jobId,
        batchId,
        done,
        total,
        linesPerSecond: seconds > 0 ? done / seconds : 0,
        state,
        ...(message ? { message } : {}),
      })
    }
    progress(0, 'running')
    try {
      // The byte-order mark is for spreadsheet apps opening a CSV; JSON readers expect none.
      if (format === 'json') await sink.write('[\n')
      // Rows are made ROWS at a time and written, with a turn of the event loop, once the thread has been
      // held a slice's time: 2,000 rows at once blocked it 100-150 ms on a busy 2-core machine.
      const slices = timeSlices()
      let pending: string[] = []
      for (let i = 0; i < total || i === 0; i += ROWS) {
        const piece = entries.slice(i, i + ROWS).map(record)
        const last = i + ROWS >= total
        if (format === 'csv') {
          const rows: Cell[][] = piece.map((r) => [r.file, r.page, r.line, r.quad, r.text, r.status, r.confidence, r.model_text, r.error])
          pending.push(csvChunk(EXPORT_COLUMNS, rows, { header: i === 0, bom }))
        } else if (piece.length) {
          const body = piece.map((r) => JSON.stringify(r)).join(',\n')
          pending.push(last ? body : `${body},\n`)
        }
        if (last || slices.due()) {
          await sink.write(pending.join(''))
          pending = []
          progress(Math.min(total, i + ROWS), 'running')
          await slices.breathe()
        }
      }
      if (format === 'json') await sink.write('\n]\n')
      progress(total, 'finished', `Exported ${total} lines.`)
      return total
    } catch (err) {
      progress(0, 'failed', err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  return {
    async toFile({ batchId, format, path, bom, overwrite = false, jobId }) {
      deps.exists(batchId)
      const started = performance.now()
      // Beside the target, then renamed over it: a failed or partial export never replaces a good file.
      const file = await createFileSafely(path, { overwrite, what: 'the export' })
      let bytes = 0
      let lines: number
      try {
        lines = await write(batchId, format, bom, {
          async write(chunk) {
            const buffer = Buffer.from(chunk, 'utf8')
            bytes += buffer.length
            await file.write(buffer)
          },
        }, jobId ?? `export-${randomUUID()}`)
        await file.commit()
      } catch (err) {
        await file.abort()
        throw err
      }
      return { path: file.path, lines, bytes, ms: Math.round(performance.now() - started) }
    },

    async toStream({ batchId, format, bom }, out) {
      await write(batchId, format, bom, {
        write: (chunk) =>
          new Promise<void>((done, fail) => {
            if (out.destroyed) return fail(new Error('the download was closed'))
            if (out.write(chunk)) done()
            else {
              out.once('drain', done)
              out.once('close', () => fail(new Error('the download was closed')))
            }
          }),
      }, `export-${randomUUID()}`)
    },
  }
}
