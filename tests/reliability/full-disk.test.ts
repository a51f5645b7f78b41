// A disk that fills up mid-review: the engine runs under a file-size limit (prlimit, as a full disk refuses
// to grow a file), corrections go on until the disk refuses one, which gets a clear message; every
// correction acknowledged before is still there when the engine starts again with room, and reviewing
// carries on.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { Engine } from '../../src/main/core/engine'
import { libraryWriteProblem, type DiskProbe } from '../../src/main/core/store/db'
import type { LineRow, Result } from '../../src/shared/api'
import type { EventPayload } from '../../src/shared/events'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'
import { fillLibrary, roomAgain } from './fill-library'

const root = join(import.meta.dirname, '..', '..')
const script = join(import.meta.dirname, 'engine-child.ts')
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0

/** Runs engine-child.ts (optionally under a file-size limit) to its end; its stdout lines. */
function run(args: string[], fileSizeLimit?: number): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const node = [process.execPath, '--import', 'tsx', script, ...args]
  const [cmd, ...rest] = fileSizeLimit ? ['prlimit', `--fsize=${fileSizeLimit}`, ...node] : node
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { cwd: root, env: { ...process.env, LECTOR_PROVIDERS: 'cpu' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stderr = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean), stderr }))
  })
}

const marker = (lines: string[], m: string) => lines.filter((l) => l.startsWith(`${m} `)).map((l) => l.slice(m.length + 1))

describe('a full disk', () => {
  it.skipIf(!hasPrlimit)('refuses the correction it cannot save with a clear message and keeps every one saved before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-full-'))
    const folder = join(dir, 'lines')
    const texts = Array.from({ length: 40 }, (_, i) => `total cash ${i}`)
    await renderLines(folder, texts)
    const corrections = texts.map((t, index) => ({ index, text: `${t.toUpperCase()} — checked by the reviewer, with a note to make the row long: ${'x'.repeat(400)}` }))
    writeFileSync(join(dir, 'corrections.json'), JSON.stringify(corrections))
    const library = join(dir, 'library.db')
    const args = (start: number, count: number) => ['--library', library, '--folder', folder, '--corrections', join(dir, 'corrections.json'), '--start', String(start), '--count', String(count)]

    const first = await run(args(0, 2))
    expect(first.code, first.stderr).toBe(0)
    // Room for the shared-memory index (32 KB) and a few pages of log, not for forty long corrections.
    const limit = 64 * 1024
    expect(statSync(library).size).toBeGreaterThan(limit)
    const full = await run(args(2, 38), limit)
    const acked = marker(full.lines, 'ack')
    const refused = marker(full.lines, 'refused')
    expect(refused, `${full.lines.join('\n')}\n${full.stderr}`).toHaveLength(1)
    expect(acked.length).toBeLessThan(38)
    if (process.env.LECTOR_FULL_DISK_LOG) console.log(`${acked.length} acknowledged under the limit, then: ${refused[0]}`)
    // A file-size limit refuses the write outright (EFBIG), which SQLite reports as an I/O error.
    expect(refused[0]).toMatch(/"code":"unavailable","message":"This could not be saved: the disk refused the write \(.*\)\. Nothing saved before is lost; check the disk and try again\."/)

    // With room again: the library opens, every acknowledged correction is there, and review goes on.
    const next = 2 + acked.length
    const again = await run(args(next, 1))
    expect(again.code, again.stderr).toBe(0)
    const rows = JSON.parse(marker(again.lines, 'lines')[0]) as LineRow[]
    const saved = [0, 1, ...acked.map((a) => Number(a.split(' ')[1]))]
    for (const j of saved) expect(rows[corrections[j].index]).toMatchObject({ source: 'human', text: corrections[j].text })
    expect(marker(again.lines, 'ack')).toHaveLength(1)
  })
})

// The same in the engine's own process, portably: SQLite's max_page_count caps the library's size as a full
// disk would (SQLITE_FULL), and query_only refuses every write as a write-protected library does.
describe('a library that fills up or is write-protected while the engine runs', () => {
  const t = useEngine({ name: 'full-library', each: true })
  const texts = Array.from({ length: 160 }, (_, i) => `total cash ${i} change ${(i * 7) % 100}`)

  /** Every `save:failed` and `save:recovered` the engine announces, and every failed job's message. */
  function watch(engine: Engine) {
    const seen = { failed: [] as Array<EventPayload<'save:failed'>>, recovered: 0, jobs: [] as string[] }
    engine.events.on('save:failed', (e) => seen.failed.push(e))
    engine.events.on('save:recovered', () => seen.recovered++)
    engine.events.on('job:progressed', (p) => p.state === 'failed' && seen.jobs.push(p.message ?? ''))
    return seen
  }

  async function readBatch(name: string, count = texts.length) {
    const folder = join(t.dir, name)
    await renderLines(folder, texts.slice(0, count))
    return folder
  }

  it('stops recognition in words when the library fills up, stays up, and reads the rest by itself once there is room', async () => {
    const folder = await readBatch('recognition')
    const seen = watch(t.engine)
    // Full as soon as the first step of readings is in.
    let filled = false
    t.engine.events.on('job:progressed', (p) => {
      if (!filled && p.state === 'running' && p.done > 0) {
        filled = true
        fillLibrary(t.engine.library)
      }
    })
    const batch = await t.call('batch:openFolder', { path: folder })
    await vi.waitFor(() => expect(seen.jobs).toHaveLength(1), { timeout: 60_000 })
    const stopped = (await t.call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(stopped.doneCount).toBeGreaterThan(0)
    expect(stopped.doneCount).toBeLessThan(texts.length)
    const message =
      `Reading stopped at ${stopped.doneCount} of ${texts.length} lines: the disk holding the library is full. ` +
      'The lines read so far are saved; reading carries on by itself once you free some space.'
    expect(seen.jobs[0]).toBe(message)
    expect(stopped.readingStopped).toBe(message)
    expect(seen.failed).toEqual([{ batchId: batch.id, message }])
    // The engine answers on, and shows what was read.
    const rows = (await t.call('batch:lines', { batchId: batch.id, limit: 500 })).rows
    expect(rows.filter((r) => r.state === 'read')).toHaveLength(stopped.doneCount)
    expect(await t.call('engine:status', {})).toMatchObject({ host: 'cli' })

    roomAgain(t.engine.library)
    await vi.waitFor(async () => expect((await t.call('batch:list', {})).find((b) => b.id === batch.id)).toMatchObject({ doneCount: texts.length, jobId: null }), {
      timeout: 60_000,
      interval: 500,
    })
    expect((await t.call('batch:list', {})).find((b) => b.id === batch.id)!.readingStopped).toBeNull()
    expect(seen.recovered).toBe(1)
  })

  it('refuses in words the correction the full library cannot take, keeps every acknowledged one, and takes the next once there is room', async () => {
    const folder = await readBatch('review', 24)
    const batch = await t.call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const rows = (await t.call('batch:lines', { batchId: batch.id })).rows
    const acked: Array<{ id: number; text: string }> = []
    for (const row of rows.slice(0, 6)) {
      const text = `${texts[row.index].toUpperCase()} — checked`
      await t.applied('review:correct', { lineId: row.id, text })
      acked.push({ id: row.id, text })
    }
    fillLibrary(t.engine.library)
    // A correction that needs a page more is refused; one that fits a page already there may still go in.
    let refused: Result<unknown> | undefined
    for (const row of rows.slice(6)) {
      const text = `${texts[row.index].toUpperCase()} — ${'a long note the full library has no room for '.repeat(60)}`
      const answer = await t.engine.dispatch('review:correct', { lineId: row.id, text })
      if (!answer.ok) {
        refused = answer
        break
      }
      acked.push({ id: row.id, text })
    }
    expect(refused).toEqual({
      ok: false,
      code: 'unavailable',
      message: 'This could not be saved: the disk holding the library is full. Nothing saved before is lost; free some space and try again.',
    })
    expect(await t.call('engine:status', {})).toMatchObject({ host: 'cli' })
    await t.engine.review.settled(batch.id)

    roomAgain(t.engine.library)
    const next = rows[rows.length - 1]
    await t.applied('review:correct', { lineId: next.id, text: 'ROOM AGAIN' })
    acked.push({ id: next.id, text: 'ROOM AGAIN' })
    await t.restart()
    const after = new Map((await t.call('batch:lines', { batchId: batch.id, limit: 500 })).rows.map((r) => [r.id, r]))
    for (const a of acked) expect(after.get(a.id)).toMatchObject({ source: 'human', text: a.text })
  })

  it('stays up and says so when the save after a correction’s calibration is refused, and saves it once writes go through again', async () => {
    const folder = await readBatch('write-protected', 24)
    const batch = await t.call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const rows = (await t.call('batch:lines', { batchId: batch.id })).rows
    for (const row of rows.slice(0, 4)) await t.applied('review:correct', { lineId: row.id, text: texts[row.index].toUpperCase() })
    await t.engine.review.settled(batch.id)
    const seen = watch(t.engine)
    // Write-protected the moment the next correction is committed: its calibration's save is refused.
    const protectedAt = rows[4].id
    const stop = t.engine.events.on('lines:changed', (c) => {
      if (c.ids[0] === protectedAt) {
        stop()
        t.engine.library.pragma('query_only = 1')
      }
    })
    await t.applied('review:correct', { lineId: protectedAt, text: texts[rows[4].index].toUpperCase() })
    await t.engine.review.settled(batch.id)
    expect(seen.failed).toEqual([
      {
        batchId: batch.id,
        message: expect.stringMatching(
          new RegExp(
            `^The engine's decision about context for batch ${batch.id} could not be saved: the library is write-protected \\(.*\\)\\. ` +
              'Your corrections are saved; the decision is saved by itself once you make it writable again\\.$',
          ),
        ),
      },
    ])
    // Up and answering: reads work, a write is refused in words that say write-protected, not full.
    expect(await t.call('review:decision', { batchId: batch.id })).toMatchObject({ correctedLines: 5 })
    expect(await t.engine.dispatch('review:correct', { lineId: rows[5].id, text: 'NOT NOW' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^This could not be saved: the library is write-protected \(.*\)\. Nothing saved before is lost; make it writable again and try again\.$/),
    })

    t.engine.library.pragma('query_only = 0')
    await t.applied('review:correct', { lineId: rows[5].id, text: texts[rows[5].index].toUpperCase() })
    await t.engine.review.settled(batch.id)
    expect(seen.recovered).toBe(1)
    const saved = t.engine.library.prepare('SELECT after_correction FROM batch_decisions WHERE batch_id = ?').pluck().get(batch.id)
    const latest = t.engine.library.prepare('SELECT max(c.id) FROM corrections c JOIN lines l ON l.id = c.line_id WHERE l.batch_id = ?').pluck().get(batch.id)
    expect(saved).toBe(latest)
  })
})

describe('what a refused write is called', () => {
  const error = (code: string, message = 'disk I/O error') => Object.assign(new Error(message), { code })
  const probe = (over: Partial<DiskProbe> = {}): DiskProbe => ({ canWrite: () => true, freeBytes: () => 10 * 2 ** 30, ...over })

  it('tells a full disk, a write-protected library and a failing disk apart', () => {
    const library = join(tmpdir(), 'nowhere', 'library.db')
    expect(libraryWriteProblem(error('SQLITE_FULL', 'database or disk is full'), library, probe())?.cause).toBe('the disk holding the library is full')
    expect(libraryWriteProblem(error('SQLITE_READONLY'), library, probe())?.cause).toMatch(/^the library is write-protected/)
    // An I/O error alone: the library's folder and file are looked at, then the free space.
    expect(libraryWriteProblem(error('SQLITE_IOERR_WRITE'), library, probe({ canWrite: (p) => p !== dirname(library) }))?.cause).toMatch(/^the library is write-protected/)
    expect(libraryWriteProblem(error('SQLITE_IOERR_WRITE'), library, probe({ canWrite: (p) => p !== library }))?.remedy).toBe('make it writable again')
    expect(libraryWriteProblem(error('SQLITE_IOERR_WRITE'), library, probe({ freeBytes: () => 4096 }))?.cause).toBe('the disk holding the library is full')
    expect(libraryWriteProblem(error('SQLITE_IOERR_FSYNC'), library, probe())?.cause).toBe('the disk refused the write (disk I/O error; it may be failing or disconnected)')
    expect(libraryWriteProblem(error('SQLITE_CONSTRAINT'), library, probe())).toBeNull()
  })
})
