import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PoolSummary, ReviewUpdate } from '../../src/shared/api'
import type { Engine } from '../../src/main/core/engine'
import { call, openEngine } from '../fixtures/engine'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

// Two batches of the same kind (lower-case print, upper-case convention): the pool saved from the first
// lets the second start in context before its reviewer corrects anything.
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
const line = (i: number) => `${words[i % words.length]} ${words[(i * 5 + 1) % words.length]} ${10 + ((i * 31) % 89)}`

const t = useEngine({ name: 'pools' })

// Every test opens batches of its own; a pool it saves has a name no other test uses.
const first = Array.from({ length: 24 }, (_, i) => line(i))
const second = Array.from({ length: 30 }, (_, i) => line(i + 200))
beforeAll(async () => {
  await renderLines(join(t.dir, 'first'), first)
  await renderLines(join(t.dir, 'second'), second)
})

async function open(e: Engine, name: 'first' | 'second') {
  const batch = await call(e, 'batch:openFolder', { path: join(t.dir, name), fresh: true })
  await e.batches.whenRead(batch.id)
  return batch.id
}

const rows = async (e: Engine, batchId: number) => (await call(e, 'batch:lines', { batchId, limit: 500, order: 'document' })).rows

/** A batch of the first kind with 12 lines corrected to upper case, saved as a pool named `name`. */
async function savedPool(name: string): Promise<{ saved: PoolSummary; batchId: number; last: ReviewUpdate }> {
  const batchId = await open(t.engine, 'first')
  const lines = await rows(t.engine, batchId)
  let last: ReviewUpdate | undefined
  for (let i = 0; i < 12; i++) last = await t.applied('review:correct', { lineId: lines[i].id, text: first[i].toUpperCase() })
  return { saved: await t.call('pool:save', { batchId, name }), batchId, last: last! }
}

describe('named pools', () => {
  it('saves the frames and words of a corrected batch under a name, with the trust and bias it decided', async () => {
    const { saved, batchId, last: update } = await savedPool('Receipts')
    expect(update.decision.trust).toBeGreaterThan(0)
    expect(saved).toMatchObject({ name: 'Receipts', trust: update.decision.trust, lexiconBias: update.decision.lexiconBias })
    expect(saved.entries).toBe(update.decision.poolEntries)
    expect(saved.words).toBe(update.decision.lexiconEntries)
    expect(saved.words).toBeGreaterThan(0)
    const again = await t.call('pool:save', { batchId, name: 'Receipts' })
    expect(again.name).toBe('Receipts (2)')
  })

  it('starts a new batch of the same kind in context, before any correction', async () => {
    const { saved } = await savedPool('Receipts for a new batch')
    const batchId = await open(t.engine, 'second')
    const before = await rows(t.engine, batchId)
    expect(before.every((l) => l.source === 'model')).toBe(true)
    const decision = await t.call('pool:use', { batchId, poolId: saved.id })
    expect(decision).toMatchObject({ trust: saved.trust, lexiconEntries: saved.words, lexiconBias: saved.lexiconBias })
    const after = await rows(t.engine, batchId)
    const upper = after.filter((l, i) => l.text === second[i].toUpperCase()).length
    expect(upper / after.length).toBeGreaterThanOrEqual(0.8)
    // Saved frames belong to no line of this batch: they are not offered as its examples.
    const ids = new Set(after.map((l) => l.id))
    for (const l of after) for (const e of l.examples) expect(ids.has(e)).toBe(false)
    await t.call('pool:use', { batchId, poolId: null })
    expect((await rows(t.engine, batchId)).every((l) => l.source === 'model')).toBe(true)
  })

  it('moves between libraries as a file, and refuses a file that is not a pool of this model', async () => {
    const { saved } = await savedPool('Receipts to move')
    const file = join(t.dir, 'receipts.lectorpool')
    await t.call('pool:export', { poolId: saved.id, path: file })
    const other = await openEngine(join(t.dir, 'other.db'))
    try {
      const imported = await call(other, 'pool:import', { path: file })
      expect(imported).toMatchObject({ name: 'Receipts to move', entries: saved.entries, trust: saved.trust, words: saved.words, lexiconBias: saved.lexiconBias })
      const batchId = await open(other, 'second')
      await call(other, 'pool:use', { batchId, poolId: imported.id })
      const now = await rows(other, batchId)
      expect(now.filter((l, i) => l.text === second[i].toUpperCase()).length / now.length).toBeGreaterThanOrEqual(0.8)

      writeFileSync(join(t.dir, 'junk.lectorpool'), 'not a pool')
      expect(await other.dispatch('pool:import', { path: join(t.dir, 'junk.lectorpool') })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/is not a Lector pool file/),
      })
      // A version 1 file (before pools kept words) is read as a pool with no vocabulary.
      const v1 = { format: 'lector-pool', version: 1, name: 'Old', modelId: saved.modelId, trust: 0.6, dim: 120, entries: [], features: '' }
      writeFileSync(join(t.dir, 'old.lectorpool'), gzipSync(JSON.stringify(v1)))
      expect(await call(other, 'pool:import', { path: join(t.dir, 'old.lectorpool') })).toMatchObject({ name: 'Old', trust: 0.6, words: 0, lexiconBias: 0 })
      const foreign = { format: 'lector-pool', version: 1, name: 'x', modelId: 'another-model', trust: 1, dim: 120, entries: [], features: '' }
      writeFileSync(join(t.dir, 'foreign.lectorpool'), gzipSync(JSON.stringify(foreign)))
      expect(await other.dispatch('pool:import', { path: join(t.dir, 'foreign.lectorpool') })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/made with another model/),
      })
    } finally {
      await other.close()
    }
  })
})
