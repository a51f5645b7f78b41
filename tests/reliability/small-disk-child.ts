// The engine on a small disk of its own (a tmpfs mounted for this process by small-disk.test.ts), run as
//   node --import tsx tests/reliability/small-disk-child.ts --disk DIR --folder LINES
// The library lives on DIR; a file of filler leaves it little room, recognition fills it, then an export and
// a correction meet the full disk; the filler goes and work carries on by itself. One JSON
// object per line on stdout: { step, ... } (the test reads them).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { BatchSummary } from '../../src/shared/api'
import { call, openEngine } from '../fixtures/engine'

const { values } = parseArgs({ options: { disk: { type: 'string' }, folder: { type: 'string' } } })
const disk = values.disk!
const say = (step: string, data: object = {}) => process.stdout.write(`${JSON.stringify({ step, ...data })}\n`)
const until = async (check: () => Promise<boolean>, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}
const summary = async (id: number) => (await call(engine, 'batch:list', {})).find((b) => b.id === id) as BatchSummary

const engine = await openEngine(join(disk, 'library.db'))
const events: Array<{ event: string; message?: string }> = []
engine.events.on('save:failed', (e) => events.push({ event: 'save:failed', message: e.message }))
engine.events.on('save:recovered', () => events.push({ event: 'save:recovered' }))
engine.events.on('job:progressed', (p) => p.state === 'failed' && events.push({ event: 'job:failed', message: p.message }))

// An existing export, to be replaced: it must survive a replacement the full disk refuses.
writeFileSync(join(disk, 'kept.csv'), 'precious')
// Room for a few recognition steps' readings, not for eighty lines'.
const free = await statfs(disk)
writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 1536 * 1024)))
say('filled', { free: (await statfs(disk)).bavail * free.bsize })

const batch = await call(engine, 'batch:openFolder', { path: values.folder! })
await engine.batches.whenRead(batch.id)
const stopped = await summary(batch.id)
say('stopped', { done: stopped.doneCount, lines: stopped.lineCount, readingStopped: stopped.readingStopped, events })
say('alive', { status: (await call(engine, 'engine:status', {})).host, rows: (await call(engine, 'batch:lines', { batchId: batch.id, limit: 500 })).rows.length })

// Exports and a pool file onto the full disk: refused in words, nothing replaced, nothing left behind.
const exported = await engine.dispatch('batch:export', { batchId: batch.id, format: 'csv', path: join(disk, 'kept.csv'), overwrite: true, bom: false })
const rows = (await call(engine, 'batch:lines', { batchId: batch.id, limit: 500 })).rows.filter((r) => r.state === 'read')
const corrected = await engine.dispatch('review:correct', { lineId: rows[0].id, text: `${rows[0].text.toUpperCase()} ${'checked '.repeat(500)}` })
say('full', { exported, corrected, files: readdirSync(disk).sort(), kept: readFileSync(join(disk, 'kept.csv'), 'utf8') })

// Room again: reading carries on by itself, and exports and corrections go through.
rmSync(join(disk, 'filler'))
const finished = await until(async () => (await summary(batch.id)).doneCount === batch.lineCount, 60_000)
const after = await summary(batch.id)
const ack = await engine.dispatch('review:correct', { lineId: rows[0].id, text: rows[0].text.toUpperCase() })
await engine.review.settled(batch.id)
const again = await engine.dispatch('batch:export', { batchId: batch.id, format: 'csv', path: join(disk, 'kept.csv'), overwrite: true, bom: false })
say('room', { finished, done: after.doneCount, readingStopped: after.readingStopped, ack: ack.ok, exported: again.ok, events })
await engine.close()
say('done')
