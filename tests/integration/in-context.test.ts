import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiName, LineRow, ReviewStats, ReviewUpdate } from '../../src/shared/api'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { renderLines } from '../fixtures/render-lines'

// A batch with a convention the model cannot know: lines are printed in lower case but the reviewer
// types them in upper case (as SROIE's annotators did). Context should carry that over; corrections that
// contradict what the lines show should make the engine turn context off.
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
function printed(i: number): string {
  const a = words[i % words.length]
  const b = words[(i * 7 + 3) % words.length]
  return `${a} ${b} ${10 + ((i * 37) % 89)}`
}

let engine: Engine
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lector-context-'))
  engine = await createEngine({ libraryPath: join(dir, 'library.db'), host: 'cli', providers: ['cpu'] })
})
afterAll(async () => {
  await engine?.close()
})

async function call<T>(name: ApiName, input: unknown): Promise<T> {
  const result = await engine.dispatch(name, input)
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
  return result.value as T
}

async function openBatch(name: string, texts: string[]) {
  await renderLines(join(dir, name), texts)
  const batch = await call<{ id: number }>('batch:openFolder', { path: join(dir, name) })
  await engine.batches.whenRead(batch.id)
  const page = await call<{ rows: LineRow[] }>('batch:lines', { batchId: batch.id, limit: 500 })
  return { batchId: batch.id, rows: page.rows }
}

async function rows(batchId: number): Promise<LineRow[]> {
  return (await call<{ rows: LineRow[] }>('batch:lines', { batchId, limit: 500 })).rows
}

describe('in-context reading', () => {
  const texts = Array.from({ length: 48 }, (_, i) => printed(i))
  let batchId: number
  let lines: LineRow[]

  beforeAll(async () => {
    ;({ batchId, rows: lines } = await openBatch('upper', texts))
  })

  it('reads the printed lower case at first', () => {
    const exact = lines.filter((l, i) => l.text === texts[i]).length
    expect(exact).toBeGreaterThanOrEqual(44)
  })

  it("learns the batch's upper-case convention from a few corrections and applies it to the other lines", async () => {
    const updates: ReviewUpdate[] = []
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) updates.push(await call<ReviewUpdate>('review:correct', { lineId: lines[i].id, text: texts[i].toUpperCase() }))
    const last = updates.at(-1)!
    expect(last.decision.trust).toBeGreaterThan(0)
    // A correction replies with the trust decided before its own calibration; the learning chart's point
    // for it carries the trust that calibration decided (what the next correction replied with).
    const decided = await call<{ trust: number }>('review:decision', { batchId })
    const chart = (await call<ReviewStats>('review:stats', { batchId })).history.map((p) => p.trust)
    expect(chart).toEqual([...updates.slice(1).map((u) => u.decision.trust), decided.trust])
    expect(new Set(chart).size).toBeGreaterThan(1)
    const now = await rows(batchId)
    const rest = now.slice(12)
    const upper = rest.filter((l, i) => l.text === texts[12 + i].toUpperCase()).length
    expect(upper / rest.length).toBeGreaterThanOrEqual(0.8)
    const changed = rest.filter((l) => l.source === 'context')
    expect(changed.length).toBeGreaterThan(0)
    // Each changed line names the corrected lines whose frames decided it.
    const corrected = new Set(lines.slice(0, 12).map((l) => l.id))
    for (const l of changed) {
      expect(l.examples.length).toBeGreaterThan(0)
      for (const e of l.examples) expect(corrected.has(e)).toBe(true)
      expect(l.modelText).not.toBe(l.text)
    }
    expect(now.slice(0, 12).every((l) => l.source === 'human')).toBe(true)
  })

  it('gives after each correction exactly what a full recompute gives', async () => {
    const ctx = await engine.review.context(batchId)
    const before = (await rows(batchId)).map((l) => [l.id, l.text, l.confidence])
    await ctx.recomputeAll({ recalibrate: false })
    const after = (await rows(batchId)).map((l) => [l.id, l.text, l.confidence])
    expect(after).toEqual(before)
  })

  it('after a restart says that it reads the batch in context again, then shows what it showed before', async () => {
    const before = (await rows(batchId)).map((l) => [l.id, l.text, l.source])
    const decided = await call<{ trust: number }>('review:decision', { batchId })
    await engine.close()
    // Closing kept the batch's neighbour lists beside the library: opening it again skips the search.
    expect(existsSync(join(dir, 'library.db-context', `batch-${batchId}.lists`))).toBe(true)
    engine = await createEngine({ libraryPath: join(dir, 'library.db'), host: 'cli', providers: ['cpu'] })
    const loading = await call<ReviewStats>('review:stats', { batchId })
    expect(loading).toMatchObject({ contextLoading: true, decision: null, reviewed: 12 })
    await engine.review.context(batchId)
    const loaded = await call<ReviewStats>('review:stats', { batchId })
    expect(loaded.contextLoading).toBe(false)
    expect(loaded.decision?.trust).toBe(decided.trust)
    expect((await rows(batchId)).map((l) => [l.id, l.text, l.source])).toEqual(before)
  })

  it('keeps a correction with characters the model cannot output, without putting it in the frame store', async () => {
    const before = await call<{ poolEntries: number; unaligned: number }>('review:decision', { batchId })
    const odd = 'TOTAL 𝔘 ☃ 12'
    const update = await call<ReviewUpdate>('review:correct', { lineId: lines[20].id, text: odd })
    expect(update.decision.poolEntries).toBe(before.poolEntries)
    expect(update.decision.unaligned).toBe(before.unaligned + 1)
    const row = (await rows(batchId))[20]
    expect(row).toMatchObject({ text: odd, source: 'human' })
  })

  it('takes a correction back on undo, its frames leaving the pool', async () => {
    const before = await call<{ poolEntries: number }>('review:decision', { batchId })
    const added = await call<ReviewUpdate>('review:correct', { lineId: lines[30].id, text: texts[30].toUpperCase() })
    expect(added.decision.poolEntries).toBeGreaterThan(before.poolEntries)
    const undone = await call<ReviewUpdate>('review:undo', { batchId })
    expect(undone.lineId).toBe(lines[30].id)
    expect(undone.decision.poolEntries).toBe(before.poolEntries)
    expect((await rows(batchId))[30].source).not.toBe('human')
    // The next undo takes back the correction before it (the line with characters outside the model).
    const second = await call<ReviewUpdate>('review:undo', { batchId })
    expect(second.lineId).toBe(lines[20].id)
  })

  it('turns context off when the corrections contradict what the lines show', async () => {
    const other = Array.from({ length: 30 }, (_, i) => printed(i + 100))
    const { batchId: misled, rows: misledRows } = await openBatch('misleading', other)
    // Each "correction" is a different line's text: consistent with nothing on the page.
    let last: ReviewUpdate | undefined
    for (let i = 0; i < 12; i++) {
      last = await call<ReviewUpdate>('review:correct', { lineId: misledRows[i].id, text: other[(i + 7) % 30].toUpperCase() })
    }
    expect(last!.decision.trust).toBe(0)
    expect(Object.keys(last!.decision.errorsByTrust).length).toBeGreaterThan(1)
    const now = await rows(misled)
    expect(now.slice(12).every((l) => l.source === 'model')).toBe(true)
  })
})
