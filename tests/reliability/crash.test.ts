// Crash safety: the engine runs in a child process (engine-child.ts) that is killed with SIGKILL at seeded
// random moments — while it starts (library creation, migrations, model loading), imports a folder,
// recognizes it, loads a batch's context, commits a correction or re-decodes after one — and restarted.
// After every kill the next start must open the library, show every acknowledged correction, and show the
// batch as it was committed. LECTOR_KILLS sets the number of kills (20 here; 200 for the long run),
// LECTOR_SEED the seed. The same with the library full (fill-library.ts, as a full disk) from a random
// correction on: refused corrections, saves nobody waits on refused, kills at random moments of it; the
// engine stays up to its end, and no acknowledged correction is lost (LECTOR_FULL_KILLS kills, 6 here).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BatchSummary } from '../../src/shared/api'
import { renderLines } from '../fixtures/render-lines'
import { lastMarker, runChild, type ChildRun, type KillPlan } from './child-process'

const KILLS = Number(process.env.LECTOR_KILLS ?? 20)
const FULL_KILLS = Number(process.env.LECTOR_FULL_KILLS ?? 6)
const SEED = Number(process.env.LECTOR_SEED ?? 20240607)
/** Kills per library before a fresh one is started (so import and recognition are hit again). */
const KILLS_PER_LIBRARY = 5
// 80 lines: two recognition steps (64 + 16), so a kill can leave a batch partly read.
const LINES = 80
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
const texts = Array.from({ length: LINES }, (_, i) => `${words[i % 12]} ${words[(i * 7 + 3) % 12]} ${10 + ((i * 37) % 89)}`)
// Correction j goes to line (37 j mod 80), visiting every line once per 80 corrections; the text
// alternates between upper case (a convention context learns, so corrections re-decode other lines) and
// capitalised, so two successive corrections of one line always differ.
const corrections = Array.from({ length: 4000 }, (_, j) => {
  const index = (j * 37) % LINES
  const t = texts[index]
  return { index, text: Math.floor(j / LINES) % 2 === 0 ? t.toUpperCase() : t[0].toUpperCase() + t.slice(1) }
})

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface RowView {
  id: number
  index: number
  state: string
  source: string
  text: string
  error: string | null
}

type Phase =
  | 'starting (library, migrations, model)'
  | 'opening the folder'
  | 'recognition'
  | 'listing, loading the context'
  | 'correction, before its commit'
  | 'correction, after its commit (re-decoding)'
  | 'between corrections'

/** What one library has been through, as the parent saw it. */
class Episode {
  readonly library: string
  /** Per line index: the latest correction known to be committed (acknowledged, or seen after a kill). */
  readonly committed = new Map<number, number>()
  /** Every acknowledged correction, in order. */
  readonly ackOrder: number[] = []
  /** Corrections in flight at a kill that turned out to be committed. */
  readonly landed = new Set<number>()
  /** The first correction not acknowledged yet: where the next start begins. */
  next = 0
  batchKnown = false
  readDone = 0
  /** The correction in flight when the last kill landed, until a start shows whether it was committed. */
  inflight: number | null = null
  constructor(dir: string, n: number) {
    this.library = join(dir, `library-${n}.db`)
  }
}

const stats = {
  kills: 0,
  runs: 0,
  acks: 0,
  phases: new Map<Phase, number>(),
  resumedRestarts: 0,
  libraries: 0,
  refused: 0,
  saveFailed: 0,
}
const count = (phase: Phase) => stats.phases.set(phase, (stats.phases.get(phase) ?? 0) + 1)

let dir: string
let folder: string
let correctionsFile: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lector-crash-'))
  folder = join(dir, 'lines')
  await renderLines(folder, texts)
  correctionsFile = join(dir, 'corrections.json')
  writeFileSync(correctionsFile, JSON.stringify(corrections))
})

function args(ep: Episode, count?: number): string[] {
  const a = ['--library', ep.library, '--folder', folder, '--corrections', correctionsFile, '--start', String(ep.next)]
  return count === undefined ? a : [...a, '--count', String(count)]
}

function describeRun(run: ChildRun): string {
  const out = run.out.map((o) => `${o.t.toFixed(0).padStart(6)} ${o.line.slice(0, 160)}`).join('\n')
  return `exit ${run.code ?? run.signal}${run.killed ? ' (killed)' : ''}\n${out}\nstderr:\n${run.stderr.slice(-2000)}`
}

/** Where the kill landed, from the last thing the child said (null: a correction in flight, see checkStart). */
function phaseOf(run: ChildRun): Phase | null {
  const last = run.out.at(-1)?.line ?? ''
  if (!run.out.length) return 'starting (library, migrations, model)'
  if (last === 'open' || last.startsWith('list ')) return 'opening the folder'
  if (last.startsWith('opened') || last.startsWith('progress')) return 'recognition'
  if (last.startsWith('try ')) return null
  if (last.startsWith('ack ')) return 'between corrections'
  return 'listing, loading the context'
}

/**
 * Checks what a (re)started engine shows before it changes anything: one batch with every line, the
 * recognition it had committed, every acknowledged correction, and nothing a correction did not write.
 */
function checkStart(ep: Episode, run: ChildRun, context: string) {
  if (lastMarker(run, 'open') === undefined) {
    expect(run.killed, `the library opens\n${context}`).toBe(true)
    return // killed while starting
  }
  const list = JSON.parse(lastMarker(run, 'list') ?? 'null') as BatchSummary[] | null
  if (list === null) return // killed before listing
  expect(list.length, `at most one batch per library\n${context}`).toBeLessThanOrEqual(1)
  if (ep.batchKnown) expect(list.length, `a batch that was opened is still there\n${context}`).toBe(1)
  const batch = list[0]
  if (!batch) return
  expect(batch, context).toMatchObject({ lineCount: LINES, errorCount: 0 })
  expect(batch.doneCount, `recognition committed is kept\n${context}`).toBeGreaterThanOrEqual(ep.readDone)
  expect(batch.doneCount).toBeLessThanOrEqual(LINES)
  const rows = JSON.parse(lastMarker(run, 'lines') ?? 'null') as RowView[] | null
  if (rows === null) return // killed before listing the lines
  expect(rows.map((r) => r.index), context).toEqual(texts.map((_, i) => i))
  expect(rows.filter((r) => r.state === 'read').length, `batch:list and batch:lines agree\n${context}`).toBe(batch.doneCount)
  for (const r of rows) {
    expect(r.error, context).toBeNull()
    expect(['read', 'pending'], context).toContain(r.state)
  }
  if (batch.doneCount < LINES) {
    expect(lastMarker(run, 'stalled'), `an unfinished batch is resumed\n${context}`).toBeUndefined()
    expect(lastMarker(run, 'resumed'), `an unfinished batch is resumed\n${context}`).toBeDefined()
    stats.resumedRestarts++
  }
  // Every line shows its latest committed correction; the one in flight at the kill may have landed.
  const inflight = ep.inflight
  let landed = false
  for (const r of rows) {
    const j = ep.committed.get(r.index)
    if (inflight !== null && corrections[inflight].index === r.index && r.source === 'human' && r.text === corrections[inflight].text) {
      landed = true
      continue
    }
    if (j === undefined) {
      expect(r.source, `line ${r.index} was never corrected\n${context}`).not.toBe('human')
      continue
    }
    expect([r.source, r.text], `line ${r.index} shows correction ${j}\n${context}`).toEqual(['human', corrections[j].text])
  }
  if (inflight !== null) {
    count(landed ? 'correction, after its commit (re-decoding)' : 'correction, before its commit')
    if (landed) {
      ep.landed.add(inflight)
      ep.committed.set(corrections[inflight].index, inflight)
    }
    ep.inflight = null
  }
}

/**
 * Takes in what a run did: acknowledgements, recognition progress, the correction in flight at a kill. A
 * refusal fails the test, unless the library was full then (`full`) and the refusal says so in words.
 */
function absorb(ep: Episode, run: ChildRun, context: string, full = false) {
  let filled = false
  for (const { line } of run.out) {
    const [word, a, b] = line.split(' ')
    if (word === 'filled') filled = true
    if (word === 'save-failed') stats.saveFailed++
    if (word === 'refused') {
      if (!(full && filled)) throw new Error(`a correction was refused: ${line}\n${context}`)
      expect(line.slice(line.indexOf('{')), context).toBe(
        JSON.stringify({ ok: false, code: 'unavailable', message: 'This could not be saved: the disk holding the library is full. Nothing saved before is lost; free some space and try again.' }),
      )
      stats.refused++
    }
    if (word === 'opened') ep.batchKnown = true
    if (word === 'list' && line !== 'list []') ep.batchKnown = true
    if (word === 'progress') ep.readDone = Math.max(ep.readDone, Number(a.split('/')[0]))
    if (word === 'read') ep.readDone = Math.max(ep.readDone, (JSON.parse(line.slice(5)) as BatchSummary).doneCount)
    if (word === 'ack') {
      const j = Number(b)
      ep.committed.set(corrections[j].index, j)
      ep.ackOrder.push(j)
      ep.next = j + 1
      stats.acks++
    }
    if (word === 'skip') ep.next = Number(a) + 1
    if (word === 'already') {
      // Committed by an earlier start that was killed before acknowledging it (checkStart saw it land).
      expect(ep.landed.has(Number(a)), `correction ${a} was committed but never acknowledged\n${context}`).toBe(true)
      ep.next = Number(a) + 1
    }
  }
  const last = run.out.at(-1)?.line ?? ''
  if (run.killed && last.startsWith('try ')) ep.inflight = Number(last.split(' ')[1])
}

/** After a clean close: the file is a sound database holding exactly what the parent saw acknowledged. */
function checkFile(ep: Episode) {
  const db = new Database(ep.library, { readonly: true, fileMustExist: true })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    const bad = db
      .prepare('SELECT count(*) FROM readings r LEFT JOIN reading_frames f ON f.line_id = r.line_id WHERE r.error IS NOT NULL OR f.line_id IS NULL')
      .pluck()
      .get()
    expect(bad, 'every committed reading is whole').toBe(0)
    const rows = db
      .prepare('SELECT l.idx AS "index", c.text FROM corrections c JOIN lines l ON l.id = c.line_id ORDER BY c.id')
      .all() as Array<{ index: number; text: string }>
    // The acknowledged corrections appear in order; anything else is a correction that was in flight.
    let k = 0
    for (const row of rows) {
      const want = ep.ackOrder[k]
      if (want !== undefined && corrections[want].index === row.index && corrections[want].text === row.text) {
        k++
        continue
      }
      const known = [...ep.landed].some((j) => corrections[j].index === row.index && corrections[j].text === row.text)
      expect(known, `correction row ${JSON.stringify(row)} is acknowledged or was in flight at a kill`).toBe(true)
    }
    expect(k, 'every acknowledged correction is in the corrections table, in order').toBe(ep.ackOrder.length)
  } finally {
    db.close()
  }
}

async function campaign(kills: number, seed: number) {
  const random = mulberry32(seed)
  let recognitionMs = 2500 // refined from what the children report
  let libraries = 0
  while (stats.kills < kills) {
    const ep = new Episode(dir, libraries++)
    stats.libraries++
    let killsHere = 0
    while (killsHere < KILLS_PER_LIBRARY && stats.kills < kills) {
      let plan: KillPlan
      // A new library: kill while starting, while recognizing (or resuming), or once it has been read.
      // Once read: at a random moment of the corrections, or within a few milliseconds of dispatching
      // one (its transaction and fsync).
      const r = ep.batchKnown ? 0.5 + random() / 2 : random()
      if (r < 0.2) plan = { after: 'spawn', delayMs: Math.floor(random() * 1000) }
      // ('lines': a start before this one committed the batch but was killed before saying so.)
      else if (r < 0.5) plan = { after: ['opened', 'lines'], delayMs: Math.floor(random() * recognitionMs) }
      else if (r < 0.75) plan = { after: 'read', delayMs: Math.floor(random() * 1500) }
      else plan = { after: 'try', nth: 2 + Math.floor(random() * 20), delayMs: Math.floor(random() * 4) }
      // At most 400 corrections (tens of seconds): a kill that never comes ends the library, not the test.
      const run = await runChild(args(ep, 400), plan)
      stats.runs++
      const context = `seed ${seed}, library ${ep.library}, kill ${stats.kills + 1} (${[plan.after].flat().join('|')} ${plan.nth ?? 1} + ${plan.delayMs} ms)\n${describeRun(run)}`
      checkStart(ep, run, context)
      absorb(ep, run, context)
      const opened = run.out.find((o) => o.line.startsWith('opened'))
      const read = run.out.find((o) => o.line.startsWith('read'))
      if (opened && read) recognitionMs = read.t - opened.t
      if (!run.killed) {
        // It finished first (nothing left to correct): that is not a kill.
        expect(run.code, context).toBe(0)
        break
      }
      stats.kills++
      killsHere++
      const phase = phaseOf(run)
      if (phase) count(phase)
      if (process.env.LECTOR_CRASH_LOG) console.log(`kill ${stats.kills}: ${[plan.after].flat().join('|')} ${plan.nth ?? 1} + ${plan.delayMs} ms → ${phase ?? 'correction in flight'} (${run.out.length} lines)`)
    }
    // A clean start after the last kill: it must see everything, correct a few more lines and close.
    const final = await runChild(args(ep, 5))
    stats.runs++
    const context = `seed ${seed}, library ${ep.library}, clean run\n${describeRun(final)}`
    checkStart(ep, final, context)
    absorb(ep, final, context)
    expect(final.code, context).toBe(0)
    expect(lastMarker(final, 'done'), context).toBe('')
    checkFile(ep)
  }
}

describe('crash safety', () => {
  it(
    `keeps every acknowledged correction and a consistent batch through ${KILLS} kills at random moments`,
    async () => {
      const started = performance.now()
      await campaign(KILLS, SEED)
      const phases = [...stats.phases].filter(([, n]) => n > 0).map(([p, n]) => `  ${p}: ${n}`).join('\n')
      console.log(
        `crash safety (seed ${SEED}): ${stats.kills} kills, ${stats.runs} starts, ${stats.libraries} libraries, ` +
          `${stats.acks} acknowledged corrections, all present after every restart; ` +
          `${stats.resumedRestarts} restarts found a partly read batch and resumed it; ` +
          `${((performance.now() - started) / 1000).toFixed(0)} s\nkills by phase:\n${phases}`,
      )
      expect(stats.kills).toBe(KILLS)
    },
    KILLS * 20_000 + 60_000,
  )

  it(
    `keeps every acknowledged correction through ${FULL_KILLS} kills while the library is full, and the engine stays up`,
    async () => {
      const random = mulberry32(SEED + 1)
      const ep = new Episode(dir, 500)
      const read = await runChild(args(ep, 0))
      checkStart(ep, read, describeRun(read))
      absorb(ep, read, describeRun(read))
      expect(read.code, describeRun(read)).toBe(0)
      const acksBefore = stats.acks
      let kills = 0
      // A run that ends before its kill is not one: runs go on until FULL_KILLS kills have landed (at most
      // three runs a kill); then one more, not killed, must reach its end, full as it is, with the engine up.
      for (let k = 0, last = false; !last; k++) {
        last = kills === FULL_KILLS || k === FULL_KILLS * 3
        const fillAfter = Math.floor(random() * 4)
        // Killed within a few milliseconds of dispatching a correction on the full library, or at a random
        // moment after it filled up.
        const plan: KillPlan | undefined = last
          ? undefined
          : random() < 0.5
            ? { after: 'try', nth: fillAfter + 1 + Math.floor(random() * 30), delayMs: Math.floor(random() * 4) }
            : { after: 'filled', delayMs: Math.floor(random() * 800) }
        const run = await runChild([...args(ep, 60), '--fill-after', String(fillAfter)], plan)
        const kill = plan ? `, kill ${plan.delayMs} ms after ${[plan.after].flat().join('|')} ${plan.nth ?? 1}` : ''
        const context = `seed ${SEED + 1}, full run ${k} (fill after ${fillAfter}${kill})\n${describeRun(run)}`
        checkStart(ep, run, context)
        absorb(ep, run, context, true)
        if (run.killed) kills++
        else {
          expect(run.code, context).toBe(0)
          expect(lastMarker(run, 'alive'), context).toBeDefined()
          expect(lastMarker(run, 'done'), context).toBe('')
        }
      }
      // With room again: every acknowledged correction is there, and review goes on.
      const final = await runChild(args(ep, 3))
      const context = `seed ${SEED + 1}, clean run after the full ones\n${describeRun(final)}`
      checkStart(ep, final, context)
      absorb(ep, final, context)
      expect(final.code, context).toBe(0)
      checkFile(ep)
      console.log(
        `full library (seed ${SEED + 1}): ${kills} kills, ${stats.acks - acksBefore} acknowledged corrections and ${stats.refused} refused ` +
          `in words, ${stats.saveFailed} background saves refused and announced; every acknowledged correction present after every restart`,
      )
      expect(kills).toBe(FULL_KILLS)
      expect(stats.refused).toBeGreaterThan(0)
    },
    (FULL_KILLS + 3) * 60_000,
  )

  it('keeps a correction acknowledged while the batch is read, or while its context loads after a restart, through a kill right after its reply', async () => {
    const ep = new Episode(dir, 700)
    const moments = (run: ChildRun) => run.out.filter((o) => o.line.startsWith('ack ')).map((o) => o.line.split(' ')[3])
    // Corrections as soon as their lines are read: killed the moment the second one is acknowledged.
    const reading = await runChild([...args(ep, 400), '--early'], { after: 'ack', nth: 2, delayMs: 0 })
    let context = describeRun(reading)
    expect(reading.killed, context).toBe(true)
    expect(moments(reading), context).toContain('reading')
    checkStart(ep, reading, context)
    absorb(ep, reading, context)
    // Started again: listing the lines starts loading the batch's context, and the corrections are made
    // while it loads (they no longer wait for it); killed the moment the second is acknowledged.
    const loading = await runChild(args(ep, 400), { after: 'ack', nth: 2, delayMs: 0 })
    context = describeRun(loading)
    expect(loading.killed, context).toBe(true)
    expect(moments(loading), context).toContain('loading')
    checkStart(ep, loading, context)
    absorb(ep, loading, context)
    const final = await runChild(args(ep, 3))
    context = describeRun(final)
    checkStart(ep, final, context)
    absorb(ep, final, context)
    expect(final.code, context).toBe(0)
    expect(ep.ackOrder.length, context).toBeGreaterThanOrEqual(4)
    checkFile(ep)
  })

  it('keeps the lines read before a crash in recognition and reads the rest when the library is opened again', async () => {
    const ep = new Episode(dir, 999)
    const first = await runChild(args(ep, 0), { after: 'progress', delayMs: 0 })
    const context = describeRun(first)
    expect(first.killed, context).toBe(true)
    const committed = Number(lastMarker(first, 'progress')!.split('/')[0])
    expect(committed, context).toBeLessThan(LINES)
    const again = await runChild(args(ep, 0))
    expect(again.code, describeRun(again)).toBe(0)
    const rows = JSON.parse(lastMarker(again, 'lines')!) as RowView[]
    expect(rows.filter((r) => r.state === 'read').length).toBeGreaterThanOrEqual(committed)
    expect(rows.every((r) => r.error === null && r.state !== 'failed')).toBe(true)
    expect(lastMarker(again, 'resumed'), describeRun(again)).toBeDefined()
    const read = JSON.parse(lastMarker(again, 'read')!) as BatchSummary
    expect(read).toMatchObject({ doneCount: LINES, errorCount: 0, jobId: null })
  })
})
