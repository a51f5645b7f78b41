// Corrections count from the first second (issue 20): saved and acknowledged at once while the batch is
// still being read or its context loads after a restart, applied in the order they were made, and the
// lines read after them come out already read in context — exactly as a full recompute reads them.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LineRow } from '../../src/shared/api'
import type { EventPayload } from '../../src/shared/events'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

// Printed in lower case, corrected in upper case (a convention only context can carry over). 160 lines:
// three recognition steps, so corrections land while two thirds of the batch is still to be read.
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
const texts = Array.from({ length: 160 }, (_, i) => `${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} ${10 + ((i * 37) % 89)}`)

const t = useEngine({ name: 'streaming' })
beforeAll(async () => {
  await renderLines(join(t.dir, 'lines'), texts)
})

const rows = async (batchId: number): Promise<LineRow[]> => (await t.call('batch:lines', { batchId, limit: 500 })).rows

/** The corrections the library holds now (read apart from the engine, as a crash would leave them). */
function inLibrary(): Array<{ id: number; lineId: number; text: string | null }> {
  const db = new Database(t.libraryPath, { readonly: true })
  try {
    return db.prepare('SELECT id, line_id AS lineId, text FROM corrections ORDER BY id').all() as Array<{ id: number; lineId: number; text: string | null }>
  } finally {
    db.close()
  }
}

describe('corrections while a batch is read and while its context loads', () => {
  let batchId: number
  const applied: Array<EventPayload<'correction:applied'>> = []

  it('saves each correction before its reply while the batch is read, and reads the later lines in context', async () => {
    t.engine.events.on('correction:applied', (e) => applied.push(e))
    const batch = await t.call('batch:openFolder', { path: join(t.dir, 'lines') })
    batchId = batch.id
    // The first recognition step is in: the reviewer starts on what is there.
    await expect.poll(async () => (await rows(batchId)).filter((r) => r.state === 'read').length, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0)
    const first = (await rows(batchId)).filter((r) => r.state === 'read').slice(0, 14)
    for (const row of first) {
      const saved = await t.call('review:correct', { lineId: row.id, text: texts[row.index].toUpperCase() })
      // In the library when the reply comes, whatever else is going on.
      expect(inLibrary().at(-1)).toEqual({ id: saved.correctionId, lineId: row.id, text: texts[row.index].toUpperCase() })
    }
    const readWhenDone = (await rows(batchId)).filter((r) => r.state === 'read').length
    expect(readWhenDone, 'the corrections were made while the batch was still being read').toBeLessThan(texts.length)
    await t.engine.batches.whenRead(batchId)
    await t.engine.review.settled(batchId)
    expect(applied.map((e) => e.correctionId)).toEqual(inLibrary().map((c) => c.id))
    expect(applied.every((e) => e.update !== null)).toBe(true)

    // Lines read after the corrections: the convention is on them, as context read them on arrival.
    const now = await rows(batchId)
    const late = now.filter((r) => r.index >= readWhenDone)
    expect(late.length).toBeGreaterThan(40)
    const upper = late.filter((r) => r.text === texts[r.index].toUpperCase()).length
    expect(upper / late.length).toBeGreaterThanOrEqual(0.8)
    // The same as a full recompute from scratch with the decision reached.
    const ctx = await t.engine.review.context(batchId)
    await ctx.recomputeAll({ recalibrate: false })
    expect((await rows(batchId)).map((r) => [r.id, r.text, r.confidence])).toEqual(now.map((r) => [r.id, r.text, r.confidence]))
  })

  it('after a restart saves corrections at once while the context loads, and applies them in the order they were made', async () => {
    await t.restart()
    const order: number[] = []
    t.engine.events.on('correction:applied', (e) => order.push(e.correctionId))
    const lines = await rows(batchId)
    expect(t.engine.review.contextLoading(batchId)).toBe(true)
    const target = lines.find((r) => r.source !== 'human' && r.state === 'read')!
    const other = lines.filter((r) => r.source !== 'human' && r.state === 'read')[1]
    // The same line three times and another between: the last text made must be the one that stands.
    const made = [
      [target.id, 'FIRST TRY'],
      [other.id, texts[other.index].toUpperCase()],
      [target.id, 'SECOND TRY'],
      [target.id, texts[target.index].toUpperCase()],
    ] as const
    const ids: number[] = []
    for (const [lineId, text] of made) {
      const saved = await t.call('review:correct', { lineId, text })
      expect(t.engine.review.contextLoading(batchId), 'made while the context loads').toBe(true)
      expect(inLibrary().at(-1)).toMatchObject({ id: saved.correctionId, lineId, text })
      ids.push(saved.correctionId)
    }
    await t.engine.review.settled(batchId)
    expect(order).toEqual(ids)
    const after = await rows(batchId)
    expect(after.find((r) => r.id === target.id)).toMatchObject({ source: 'human', text: texts[target.index].toUpperCase() })
    expect(after.find((r) => r.id === other.id)).toMatchObject({ source: 'human', text: texts[other.index].toUpperCase() })
    const ctx = await t.engine.review.context(batchId)
    await ctx.recomputeAll({ recalibrate: false })
    expect((await rows(batchId)).map((r) => [r.id, r.text, r.confidence])).toEqual(after.map((r) => [r.id, r.text, r.confidence]))
  })
})
