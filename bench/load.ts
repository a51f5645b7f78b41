// npm run bench -- load [--lines 50000] [--distinct 200] [--corrections 300] [--copy-readings] [--keep]
// A large batch end to end through the real engine and model: a folder of N line images (a few hundred
// rendered lines, hard-linked over and over) is imported, recognized, listed, reviewed by a simulated
// reviewer (hardest first: a wrong line is typed over with its true text, a right one accepted), exported,
// and opened again after a restart. Prints, per step, its time and the longest the event loop was blocked
// (loop-blocks.ts; a step that blocks it more than 100 ms freezes the Electron UI), and the peak resident
// memory. --copy-readings runs the model on the distinct images only and copies their
// readings (frames included) to every line in SQL, then restarts: the same library as a full run, in minutes
// instead of an hour on a laptop CPU (recognition speed is `bench recognize`'s subject).
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import type { BatchSummary } from '../src/shared/api'
import type { EventPayload } from '../src/shared/events'
import { createEngine } from '../src/main/core/engine'
import { applied, call } from '../tests/fixtures/engine'
import { renderLines, type FontName } from '../tests/fixtures/render-lines'
import { watchLoopBlocks } from './loop-blocks'

const BLOCKED_MS = 100
const words = 'TOTAL CASH CHANGE ROUNDING GST QTY ITEM PRICE Invoice Receipt No. Date Time Cashier Thank you please come again SDN BHD Jalan Taman'.split(' ')

/** Receipt-like lines, deterministic: 1–6 words and amounts, three fonts. */
function distinctTexts(n: number): Array<{ file: string; text: string; font: FontName }> {
  let seed = 11
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const fonts: FontName[] = ['sans', 'serif', 'mono']
  return Array.from({ length: n }, (_, i) => {
    const parts = Array.from({ length: 1 + Math.floor(rand() * 6) }, () =>
      rand() < 0.3 ? (rand() * 1000).toFixed(2) : words[Math.floor(rand() * words.length)],
    )
    return { file: `d${String(i).padStart(4, '0')}.png`, text: parts.join(' '), font: fonts[i % 3] }
  })
}

interface Step {
  step: string
  ms: number
  /** The longest event-loop block seen during the step, and how many blocks passed BLOCKED_MS. */
  maxBlockMs: number
  blocks: number
  /** The highest RSS sampled during the step (the whole process: main thread and workers). */
  peakRssMiB: number
  /** What else the step measured. */
  note?: string
}

/** Gives every line of `big` the reading of the distinct image it links to (line i ↔ distinct (7919 i mod d)). */
function copyReadings(library: string, small: number, big: number, distinct: number): number {
  const db = new Database(library)
  try {
    db.pragma('busy_timeout = 5000')
    // The reading and the frames it keeps (two tables), each copied from the line's distinct image.
    let copied = 0
    for (const table of ['readings', 'reading_frames']) {
      const columns = (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name).filter((c) => c !== 'line_id' && c !== 'created_at')
      const list = columns.join(', ')
      const from = columns.map((c) => `r.${c}`).join(', ')
      copied = db
        .prepare(
          `INSERT OR REPLACE INTO ${table} (line_id, ${list})
           SELECT l.id, ${from} FROM lines l
           JOIN lines s ON s.batch_id = @small AND s.idx = (l.idx * 7919) % @distinct
           JOIN ${table} r ON r.line_id = s.id
           WHERE l.batch_id = @big`,
        )
        .run({ small, big, distinct }).changes
    }
    // One 800 MB transaction leaves a write-ahead log that size, which the engine would then checkpoint
    // when it closes (~300 ms). Recognition writes in small transactions that SQLite checkpoints as it
    // goes, so this shortcut's log is folded in here, in the bench's own setup step.
    db.pragma('wal_checkpoint(TRUNCATE)')
    return copied
  } finally {
    db.close()
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0

export async function benchLoad(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      lines: { type: 'string', default: '50000' },
      distinct: { type: 'string', default: '200' },
      corrections: { type: 'string', default: '300' },
      keep: { type: 'boolean', default: false },
      'copy-readings': { type: 'boolean', default: false },
    },
  })
  const n = Number(values.lines)
  const distinct = Math.min(n, Number(values.distinct))
  const corrections = Number(values.corrections)
  const tmp = mkdtempSync(join(tmpdir(), 'lector-bench-load-'))

  // The distinct lines are rendered once per machine; the big folder is links to them.
  const texts = distinctTexts(distinct)
  const sources = join(tmpdir(), `lector-bench-load-lines-${distinct}`)
  if (!existsSync(join(sources, texts[texts.length - 1].file))) await renderLines(sources, texts)
  const folder = join(tmp, 'batch')
  mkdirSync(folder)
  const truth = new Map<string, string>()
  let linked = true
  for (let i = 0; i < n; i++) {
    const d = texts[(i * 7919) % distinct]
    const name = `l${String(i).padStart(6, '0')}.png`
    truth.set(name, d.text)
    try {
      if (linked) linkSync(join(sources, d.file), join(folder, name))
      else copyFileSync(join(sources, d.file), join(folder, name))
    } catch {
      linked = false
      copyFileSync(join(sources, d.file), join(folder, name))
    }
  }

  const loop = watchLoopBlocks(BLOCKED_MS)
  let peakRss = process.memoryUsage.rss()
  let stepPeak = 0
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss()
    peakRss = Math.max(peakRss, rss)
    stepPeak = Math.max(stepPeak, rss)
  }, 100)
  const steps: Step[] = []
  async function step<T>(name: string, work: () => Promise<T>, note?: (value: T, ms: number) => string): Promise<T> {
    loop.reset()
    stepPeak = process.memoryUsage.rss()
    const started = performance.now()
    const value = await work()
    const ms = performance.now() - started
    // A block at the very end of the step is recorded only when the late timer fires: let it.
    await new Promise((resolve) => setTimeout(resolve, 30))
    steps.push({ step: name, ms, maxBlockMs: loop.max, blocks: loop.count, peakRssMiB: Math.max(stepPeak, process.memoryUsage.rss()) / 2 ** 20, note: note?.(value, ms) })
    console.error(`${name}: ${ms.toFixed(0)} ms, event loop blocked up to ${loop.max.toFixed(0)} ms`)
    return value
  }

  const library = join(tmp, 'library.db')
  const progressEvery = Math.max(1000, Math.round(n / 20))
  let engine = await step('start the engine (model load, empty library)', () => createEngine({ libraryPath: library, host: 'cli', providers: ['cpu'] }))
  let lastShown = 0
  engine.events.on('job:progressed', (p) => {
    if (p.jobId.startsWith('export-')) return
    if (p.done - lastShown >= progressEvery || p.state !== 'running') {
      lastShown = p.done
      console.error(`  recognition ${p.state}: ${p.done}/${p.total}, ${p.linesPerSecond.toFixed(1)} lines/s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`)
    }
  })
  let batch: BatchSummary
  if (values['copy-readings']) {
    const small = await step(`recognize the ${distinct} distinct images`, async () => {
      const b = await call(engine, 'batch:openFolder', { path: sources })
      await engine.batches.whenRead(b.id)
      return b
    }, (_, ms) => `${(distinct / (ms / 1000)).toFixed(1)} lines/s`)
    batch = await step(`open a folder of ${n.toLocaleString()} files`, () => call(engine, 'batch:openFolder', { path: folder }))
    await call(engine, 'job:cancel', { jobId: batch.jobId! })
    await engine.batches.whenRead(batch.id)
    await step('bench setup, not the app: copy the distinct readings to every line in SQL', async () => copyReadings(library, small.id, batch.id, distinct))
    await step('close the engine', () => engine.close())
    engine = await step('start again on the filled library', () => createEngine({ libraryPath: library, host: 'cli', providers: ['cpu'] }))
  } else {
    batch = await step(`open a folder of ${n.toLocaleString()} files`, () => call(engine, 'batch:openFolder', { path: folder }))
    await step(
      'recognize every line',
      () => engine.batches.whenRead(batch.id),
      (_, ms) => `${(n / (ms / 1000)).toFixed(1)} lines/s`,
    )
  }
  const summary = (await call(engine, 'batch:list', {})).find((b) => b.id === batch.id)!
  await step('first page, document order', () => call(engine, 'batch:lines', { batchId: batch.id, limit: 100 }))
  await step('first page, hardest first (builds the order)', () => call(engine, 'batch:lines', { batchId: batch.id, order: 'hardest', limit: 100 }))
  await step('a page in the middle, hardest first', () =>
    call(engine, 'batch:lines', { batchId: batch.id, order: 'hardest', offset: Math.floor(n / 2), limit: 100 }),
  )
  await step('search "total"', () => call(engine, 'batch:lines', { batchId: batch.id, search: 'total', limit: 100 }))

  // The simulated reviewer: always the hardest unreviewed line, as the review screen offers it.
  const latencies: number[] = []
  let typed = 0
  const reviewed = await step(
    `review ${corrections} lines, hardest first (type the true text, or accept)`,
    async () => {
      let done = 0
      while (done < corrections) {
        const page = await call(engine, 'batch:lines', { batchId: batch.id, order: 'hardest', filter: 'unreviewed', limit: 20 })
        const readable = page.rows.filter((r) => r.state === 'read')
        if (!readable.length) break
        for (const row of readable) {
          if (done >= corrections) break
          const right = truth.get(row.file)!
          const started = performance.now()
          if (row.text === right) await applied(engine, 'review:accept', { lineId: row.id })
          else {
            await applied(engine, 'review:correct', { lineId: row.id, text: right })
            typed++
          }
          latencies.push(performance.now() - started)
          done++
        }
      }
      return done
    },
    (done) => `${done} reviewed (${typed} typed); per correction median ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, max ${Math.max(0, ...latencies).toFixed(0)} ms`,
  )
  const stats = await call(engine, 'review:stats', { batchId: batch.id })
  const csv = join(tmp, 'export.csv')
  await step('export every line as CSV', () => call(engine, 'batch:export', { batchId: batch.id, format: 'csv', path: csv }), (r) => `${(r.bytes / 2 ** 10).toFixed(0)} KiB`)
  await step('close the engine', () => engine.close())
  engine = await step('start again on the full library', () => createEngine({ libraryPath: library, host: 'cli', providers: ['cpu'] }))
  const shown = await step('first page after the restart (the model\'s readings; the context loads behind it)', () =>
    call(engine, 'batch:lines', { batchId: batch.id, order: 'hardest', filter: 'unreviewed', limit: 100 }),
  )
  // The reviewer corrects at once: the reply says it is saved; it is applied once the context has loaded.
  const one = await step(
    'a correction right after the restart: saved at once, applied once the context has loaded',
    async () => {
      const started = performance.now()
      const row = shown.rows.find((r) => r.state === 'read')!
      const done = new Promise<EventPayload<'correction:applied'>>((resolve) => {
        const stop = engine.events.on('correction:applied', (e) => (stop(), resolve(e)))
      })
      const saved = await call(engine, 'review:correct', { lineId: row.id, text: truth.get(row.file)! })
      const savedMs = performance.now() - started
      const update = (await done).update!
      return { update, savedMs, correctionId: saved.correctionId, appliedMs: performance.now() - started }
    },
    ({ savedMs, appliedMs }) => `saved ${savedMs.toFixed(1)} ms after the request (while the context loads), applied ${(appliedMs / 1000).toFixed(1)} s after it`,
  )
  await engine.close()
  clearInterval(sampler)
  loop.stop()
  const libraryMiB = statSync(library).size / 2 ** 20

  const how = values['copy-readings'] ? 'readings copied from the distinct images' : 'every line recognized'
  console.log(`\nload: ${n.toLocaleString()} lines (${distinct} distinct images, ${linked ? 'hard-linked' : 'copied'}; ${how}), CPU provider — ${new Date().toISOString()}`)
  console.table(
    steps.map((s) => ({
      step: s.step,
      ms: Math.round(s.ms),
      'max event-loop block ms': Math.round(s.maxBlockMs),
      [`blocks > ${BLOCKED_MS} ms`]: s.blocks || '',
      'peak RSS MiB': Math.round(s.peakRssMiB),
      note: s.note ?? '',
    })),
  )
  console.log(
    `batch: ${summary.lineCount} lines, ${summary.doneCount} read, ${summary.errorCount} failed; reviewed ${reviewed} (${typed} typed), ` +
      `context trust ${stats.decision?.trust ?? 'n/a'}, ${stats.context} lines shown from context; last correction changed ${one.update.changed.length}`,
  )
  console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (process maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB); library ${libraryMiB.toFixed(0)} MiB`)
  if (values.keep) console.log(`kept: ${tmp}`)
  else rmSync(tmp, { recursive: true, force: true })
}
