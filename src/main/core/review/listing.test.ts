import { describe, expect, it } from 'vitest'
import { noContextDecision } from '../../../shared/api'
import { readingSignals, SelfCheck } from './self-check'
import { insertSyntheticBatch, seeded, syntheticLines } from '../../../../tests/fixtures/synthetic-batch'
import { createEventBus } from '../event-bus'
import { openLibrary } from '../store/db'
import type { ContextView } from '../incontext/context-client'
import type { ContextReading } from '../incontext/context'
import { createLineIndex } from './listing'

function setUp(count = 200) {
  const db = openLibrary(':memory:')
  const events = createEventBus()
  const lines = syntheticLines(count)
  const { batchId, ids } = insertSyntheticBatch(db, 'b', lines)
  // A context whose readings the test sets: what a batch's in-context worker mirrors to the host.
  const readings = new Map<number, ContextReading>()
  const context: ContextView = { reading: (id) => readings.get(id) ?? null, decided: { ...noContextDecision, trust: 1 } }
  const index = createLineIndex({ db, events, contextOf: () => context, selfCheck: { refitGrowth: 1 } })
  const correct = (lineId: number, text: string | null, kind = 'typed') => {
    db.prepare('INSERT INTO corrections (line_id, text, kind) VALUES (?, ?, ?)').run(lineId, text, kind)
    events.emit('lines:changed', { batchId, ids: [lineId] })
  }
  return { db, events, lines, batchId, ids, index, correct, readings, context }
}

describe('the line index', () => {
  it('orders the lines most probably wrong first, by the self-check before any correction, ties in document order', async () => {
    const { batchId, ids, lines, index } = setUp()
    const order = Array.from(await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))
    const check = new SelfCheck()
    check.countWords(lines.map((l) => l.text))
    const wrong = (l: (typeof lines)[number]) =>
      check.orderProbability(check.features(l.text, readingSignals(l.text, Array.from(l.text, () => l.confidence), l.confidence)))
    const expected = ids
      .map((id, i) => ({ id, i, rank: -wrong(lines[i]) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map((e) => e.id)
    expect(order).toEqual(expected)
  })

  it('sinks a corrected line to the end and keeps it out of the unreviewed filter', async () => {
    const { batchId, index, correct } = setUp()
    const first = (await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))[0]
    correct(first, 'TOTAL 1')
    const order = (await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))
    expect(order[order.length - 1]).toBe(first)
    expect(Array.from(await index.ids({ batchId, order: 'document', filter: 'unreviewed', search: '' }))).not.toContain(first)
    expect(Array.from(await index.ids({ batchId, order: 'document', filter: 'corrected', search: '' }))).toEqual([first])
    expect((await index.totals(batchId)).reviewed).toBe(1)
  })

  it('groups likely junk after the lines worth reading, and takes a line said to be text back into the order', async () => {
    const { db, batchId, ids, lines, index, correct } = setUp(20)
    // Lines found on pages: one read as punctuation only (sure of itself), one detection called tiny: both
    // junk. A cut line read unsure is the hardest line, not junk.
    db.prepare("UPDATE readings SET text = '·:', confidence = 0.99 WHERE line_id = ?").run(ids[3])
    db.prepare("UPDATE readings SET text = 'TOTAL', confidence = 0.51 WHERE line_id = ?").run(ids[7])
    db.prepare('UPDATE lines SET det_junk = 1, det_score = 0.8 WHERE id = ?').run(ids[7])
    db.prepare('UPDATE lines SET det_score = 0.8 WHERE id = ?').run(ids[3])
    const unsure = Buffer.from(new Float32Array(lines[5].text.length).fill(0.1).buffer)
    db.prepare('UPDATE readings SET confidence = 0.1, char_confidences = ? WHERE line_id = ?').run(unsure, ids[5])
    const hardest = async () => Array.from(await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))
    const order = await hardest()
    expect(order[0]).toBe(ids[5])
    expect(order.slice(-2).sort()).toEqual([ids[3], ids[7]].sort())
    correct(ids[7], null, 'is-text')
    const after = await hardest()
    expect(after.slice(-1)).toEqual([ids[3]])
    expect(after.indexOf(ids[7])).toBeLessThan(after.length - 2)
    // Undone, it is junk again.
    correct(ids[7], null, 'undo')
    expect((await hardest()).slice(-2).sort()).toEqual([ids[3], ids[7]].sort())
  })

  it('puts a line back in the queue when its correction is undone', async () => {
    const { batchId, index, correct } = setUp()
    const first = (await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))[0]
    correct(first, 'X')
    correct(first, null, 'undo')
    expect((await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' }))[0]).toBe(first)
  })

  it('finds lines by their shown text, ignoring case, including a correction just made', async () => {
    const { batchId, ids, lines, index, correct } = setUp()
    const hits = Array.from(await index.ids({ batchId, order: 'document', filter: 'all', search: 'INVOICE' }))
    expect(hits).toEqual(ids.filter((_, i) => lines[i].text.includes('invoice')))
    correct(ids[3], 'Zanzibar street')
    expect(Array.from(await index.ids({ batchId, order: 'document', filter: 'all', search: 'zanzibar' }))).toEqual([ids[3]])
  })

  it('counts lines, reviewed lines and the mean confidence of the unreviewed ones', async () => {
    const { batchId, ids, lines, index, correct } = setUp(10)
    correct(ids[0], 'a', 'accepted')
    const totals = (await index.totals(batchId))
    const open = lines.slice(1).map((l) => l.confidence)
    expect(totals).toMatchObject({ lines: 10, read: 10, failed: 0, reviewed: 1, context: 0 })
    expect(totals.unreviewedConfidence).toBeCloseTo(open.reduce((a, b) => a + b, 0) / open.length, 6)
    expect((await index.entries(batchId))[0]).toMatchObject({ source: 'human', review: 'accepted', text: 'a' })
  })

  it('takes in-context changes without the library and ends as a rebuild from the library would', async () => {
    const { db, events, batchId, ids, index, correct, readings, context } = setUp()
    await index.ids({ batchId, order: 'hardest', filter: 'all', search: '' })
    correct(ids[3], 'TYPED')
    // Context re-reads some lines (one of them back to the model's reading), then a correction's event.
    const changed = ids.slice(10, 60)
    for (const id of changed) readings.set(id, { text: `CONTEXT ${id}`, confidence: 0.99, charConfidences: [], examples: [ids[3]] })
    readings.delete(ids[10])
    index.contextChanged(batchId, changed)
    events.emit('lines:changed', { batchId, ids: [ids[3], ...changed] })
    const query = { batchId, order: 'hardest' as const, filter: 'context' as const, search: 'context' }
    const fresh = createLineIndex({ db, events, contextOf: () => context, selfCheck: { refitGrowth: 1 } })
    expect(Array.from(await index.ids(query))).toEqual(Array.from(await fresh.ids(query)))
    expect((await index.ids(query)).length).toBe(49)
    expect((await index.entries(batchId))).toEqual((await fresh.entries(batchId)))
  })

  it('keeps its orders, filters and searches through many changes exactly as sorting afresh gives them', async () => {
    const { db, events, batchId, ids, index, correct, readings, context } = setUp(400)
    const random = seeded(5)
    const queries = [
      { order: 'hardest', filter: 'all', search: '' },
      { order: 'hardest', filter: 'unreviewed', search: '' },
      { order: 'document', filter: 'context', search: '' },
      { order: 'hardest', filter: 'all', search: 'total' },
    ] as const
    const listings = () => Promise.all(queries.map(async (q) => Array.from(await index.ids({ batchId, ...q }))))
    await listings()
    for (let round = 0; round < 30; round++) {
      // Context re-reads a few lines (some back to the model's reading, some with equal ranks), and the
      // reviewer corrects, accepts or takes back one.
      const changed = Array.from({ length: 1 + Math.floor(random() * 12) }, () => ids[Math.floor(random() * ids.length)])
      for (const id of changed) {
        if (random() < 0.2) readings.delete(id)
        else readings.set(id, { text: random() < 0.5 ? `TOTAL ${id}` : `CASH ${id}`, confidence: random() < 0.3 ? 0.9 : random(), charConfidences: [], examples: [] })
      }
      index.contextChanged(batchId, changed)
      events.emit('lines:changed', { batchId, ids: changed })
      const line = ids[Math.floor(random() * ids.length)]
      const r = random()
      correct(line, r < 0.2 ? null : r < 0.5 ? `TOTAL typed ${round}` : 'cash', r < 0.2 ? 'undo' : r < 0.6 ? 'typed' : 'accepted')
      if (round % 3 === 0) {
        const fresh = createLineIndex({ db, events, contextOf: () => context, selfCheck: { refitGrowth: 1 } })
        expect(await listings()).toEqual(await Promise.all(queries.map(async (q) => Array.from(await fresh.ids({ batchId, ...q })))))
      }
    }
  })

  it('takes in changes that land between its slices (building, refreshing, sorting) as sorting afresh gives them', async () => {
    const { db, events, batchId, ids, correct, readings, context } = setUp(600)
    const index = createLineIndex({ db, events, contextOf: () => context, sliceRows: 25, selfCheck: { refitGrowth: 1 } })
    const random = seeded(9)
    const queries = [
      { order: 'hardest', filter: 'all', search: '' },
      { order: 'hardest', filter: 'unreviewed', search: 'cash' },
      { order: 'document', filter: 'context', search: '' },
    ] as const
    const asked: Array<Promise<unknown>> = []
    for (let round = 0; round < 60; round++) {
      // Requests left running while the next turn of the event loop changes the batch under them.
      asked.push(index.ids({ batchId, ...queries[round % queries.length] }), index.totals(batchId))
      await new Promise((resolve) => setImmediate(resolve))
      const changed = Array.from({ length: round % 10 === 0 ? 200 : 1 + Math.floor(random() * 20) }, () => ids[Math.floor(random() * ids.length)])
      for (const id of changed) {
        if (random() < 0.2) readings.delete(id)
        else readings.set(id, { text: random() < 0.5 ? `TOTAL ${id}` : `CASH ${id}`, confidence: random(), charConfidences: [], examples: [] })
      }
      index.contextChanged(batchId, changed)
      events.emit('lines:changed', { batchId, ids: changed })
      if (round % 4 === 0) correct(ids[Math.floor(random() * ids.length)], random() < 0.5 ? 'cash typed' : 'TOTAL typed')
    }
    await Promise.all(asked)
    const fresh = createLineIndex({ db, events, contextOf: () => context, selfCheck: { refitGrowth: 1 } })
    for (const q of queries) expect(Array.from(await index.ids({ batchId, ...q }))).toEqual(Array.from(await fresh.ids({ batchId, ...q })))
    expect(await index.totals(batchId)).toEqual(await fresh.totals(batchId))
    expect(await index.entries(batchId)).toEqual(await fresh.entries(batchId))
  })

  it('puts a context that has just loaded over every entry, as a rebuild from the library would', async () => {
    const { db, events, batchId, ids, correct, readings, context } = setUp()
    let loaded: ContextView | undefined
    const late = createLineIndex({ db, events, contextOf: () => loaded })
    correct(ids[5], 'TYPED')
    await late.ids({ batchId, order: 'hardest', filter: 'all', search: '' })
    for (const id of ids.slice(20, 40)) readings.set(id, { text: `LOADED ${id}`, confidence: 0.97, charConfidences: [], examples: [] })
    readings.set(ids[5], { text: 'not shown: the line was reviewed', confidence: 1, charConfidences: [], examples: [] })
    loaded = { reading: (id) => readings.get(id) ?? null, decided: context.decided }
    const query = { batchId, order: 'hardest' as const, filter: 'all' as const, search: '' }
    const rebuilt = createLineIndex({ db, events, contextOf: () => loaded })
    expect(Array.from(await late.ids(query))).toEqual(Array.from(await rebuilt.ids(query)))
    expect((await late.entries(batchId))).toEqual((await rebuilt.entries(batchId)))
    expect((await late.entries(batchId)).filter((e) => e.source === 'context')).toHaveLength(20)
  })
})
