import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiName, LineRow, PoolSummary, ReviewUpdate } from '../../src/shared/api'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { renderLines } from '../fixtures/render-lines'

// Two batches of the same kind (lower-case print, upper-case convention): the pool saved from the first
// lets the second start in context before its reviewer corrects anything.
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
const line = (i: number) => `${words[i % words.length]} ${words[(i * 5 + 1) % words.length]} ${10 + ((i * 31) % 89)}`

let dir: string
let engine: Engine

async function call<T>(e: Engine, name: ApiName, input: unknown): Promise<T> {
  const result = await e.dispatch(name, input)
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
  return result.value as T
}

async function open(e: Engine, name: string, texts: string[]) {
  await renderLines(join(dir, name), texts)
  const batch = await call<{ id: number }>(e, 'batch:openFolder', { path: join(dir, name) })
  await e.batches.whenRead(batch.id)
  return batch.id
}

const rows = async (e: Engine, batchId: number) => (await call<{ rows: LineRow[] }>(e, 'batch:lines', { batchId, limit: 500, order: 'document' })).rows

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lector-pools-'))
  engine = await createEngine({ libraryPath: join(dir, 'library.db'), host: 'cli', providers: ['cpu'] })
})
afterAll(async () => {
  await engine?.close()
})

describe('named pools', () => {
  let saved: PoolSummary
  const second = Array.from({ length: 30 }, (_, i) => line(i + 200))

  it('saves the frames and words of a corrected batch under a name, with the trust and bias it decided', async () => {
    const first = Array.from({ length: 24 }, (_, i) => line(i))
    const batchId = await open(engine, 'first', first)
    const lines = await rows(engine, batchId)
    let update: ReviewUpdate | undefined
    for (let i = 0; i < 12; i++) update = await call<ReviewUpdate>(engine, 'review:correct', { lineId: lines[i].id, text: first[i].toUpperCase() })
    expect(update!.decision.trust).toBeGreaterThan(0)
    saved = await call<PoolSummary>(engine, 'pool:save', { batchId, name: 'Receipts' })
    expect(saved).toMatchObject({ name: 'Receipts', trust: update!.decision.trust, lexiconBias: update!.decision.lexiconBias })
    expect(saved.entries).toBe(update!.decision.poolEntries)
    expect(saved.words).toBe(update!.decision.lexiconEntries)
    expect(saved.words).toBeGreaterThan(0)
    const again = await call<PoolSummary>(engine, 'pool:save', { batchId, name: 'Receipts' })
    expect(again.name).toBe('Receipts (2)')
  })

  it('starts a new batch of the same kind in context, before any correction', async () => {
    const batchId = await open(engine, 'second', second)
    const before = await rows(engine, batchId)
    expect(before.every((l) => l.source === 'model')).toBe(true)
    const decision = await call<{ trust: number; poolEntries: number; lexiconEntries: number; lexiconBias: number }>(engine, 'pool:use', {
      batchId,
      poolId: saved.id,
    })
    expect(decision).toMatchObject({ trust: saved.trust, lexiconEntries: saved.words, lexiconBias: saved.lexiconBias })
    const after = await rows(engine, batchId)
    const upper = after.filter((l, i) => l.text === second[i].toUpperCase()).length
    expect(upper / after.length).toBeGreaterThanOrEqual(0.8)
    // Saved frames belong to no line of this batch: they are not offered as its examples.
    const ids = new Set(after.map((l) => l.id))
    for (const l of after) for (const e of l.examples) expect(ids.has(e)).toBe(false)
    await call(engine, 'pool:use', { batchId, poolId: null })
    expect((await rows(engine, batchId)).every((l) => l.source === 'model')).toBe(true)
  })

  it('moves between libraries as a file, and refuses a file that is not a pool of this model', async () => {
    const file = join(dir, 'receipts.lectorpool')
    await call(engine, 'pool:export', { poolId: saved.id, path: file })
    const other = await createEngine({ libraryPath: join(dir, 'other.db'), host: 'cli', providers: ['cpu'] })
    try {
      const imported = await call<PoolSummary>(other, 'pool:import', { path: file })
      expect(imported).toMatchObject({ name: 'Receipts', entries: saved.entries, trust: saved.trust, words: saved.words, lexiconBias: saved.lexiconBias })
      const batchId = await open(other, 'third', second)
      await call(other, 'pool:use', { batchId, poolId: imported.id })
      const now = await rows(other, batchId)
      expect(now.filter((l, i) => l.text === second[i].toUpperCase()).length / now.length).toBeGreaterThanOrEqual(0.8)

      writeFileSync(join(dir, 'junk.lectorpool'), 'not a pool')
      expect(await other.dispatch('pool:import', { path: join(dir, 'junk.lectorpool') })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/is not a Lector pool file/),
      })
      // A version 1 file (before pools kept words) is read as a pool with no vocabulary.
      const v1 = { format: 'lector-pool', version: 1, name: 'Old', modelId: saved.modelId, trust: 0.6, dim: 120, entries: [], features: '' }
      writeFileSync(join(dir, 'old.lectorpool'), gzipSync(JSON.stringify(v1)))
      expect(await call<PoolSummary>(other, 'pool:import', { path: join(dir, 'old.lectorpool') })).toMatchObject({ name: 'Old', trust: 0.6, words: 0, lexiconBias: 0 })
      const foreign = { format: 'lector-pool', version: 1, name: 'x', modelId: 'another-model', trust: 1, dim: 120, entries: [], features: '' }
      writeFileSync(join(dir, 'foreign.lectorpool'), gzipSync(JSON.stringify(foreign)))
      expect(await other.dispatch('pool:import', { path: join(dir, 'foreign.lectorpool') })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/made with another model/),
      })
    } finally {
      await other.close()
    }
  })
})
