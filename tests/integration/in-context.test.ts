import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LineRow, ReviewUpdate } from '../../src/shared/api'
import { distance } from 'fastest-levenshtein'
import { fonts, renderLines, type FontName } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

// A batch with a convention the model cannot know: lines are printed in lower case but the reviewer
// types them in upper case (as SROIE's annotators did). Context should carry that over; corrections that
// contradict what the lines show should make the engine turn context off.
const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
function printed(i: number): string {
  const a = words[i % words.length]
  const b = words[(i * 7 + 3) % words.length]
  return `${a} ${b} ${10 + ((i * 37) % 89)}`
}

const t = useEngine({ name: 'context' })

// Every test opens batches of its own from these folders: what one corrects or undoes, no other sees.
const texts = Array.from({ length: 48 }, (_, i) => printed(i))
const misleading = Array.from({ length: 30 }, (_, i) => printed(i + 100))
// Unrelated words, each line in one of six faces: nothing a corrected line shows carries to another.
const unrelated = ['Harbour', 'quixotic', 'ZEPHYR', 'Mb 47', 'glyph', 'Vortex', 'jumble', 'OXEN 9', 'crwth', 'Fjord', 'wizard', 'KAYAK']
const faces = Object.keys(fonts) as FontName[]
const scattered = Array.from({ length: 36 }, (_, i) => ({
  file: `line-${String(i).padStart(3, '0')}.png`,
  text: `${unrelated[i % unrelated.length]} ${unrelated[(i * 5 + 2) % unrelated.length].toLowerCase()}`,
  font: faces[i % faces.length],
}))
beforeAll(async () => {
  await renderLines(join(t.dir, 'upper'), texts)
  await renderLines(join(t.dir, 'misleading'), misleading)
  await renderLines(join(t.dir, 'unrelated'), scattered)
})

async function openBatch(name: 'upper' | 'misleading' | 'unrelated') {
  const batch = await t.call('batch:openFolder', { path: join(t.dir, name), fresh: true })
  await t.engine.batches.whenRead(batch.id)
  return { batchId: batch.id, rows: await rows(batch.id) }
}

async function rows(batchId: number): Promise<LineRow[]> {
  return (await t.call('batch:lines', { batchId, limit: 500 })).rows
}

describe('in-context reading', () => {
  /** The batch with its first 12 lines corrected to upper case, one at a time, as a reviewer would. */
  async function taughtBatch() {
    const { batchId, rows: lines } = await openBatch('upper')
    const updates: ReviewUpdate[] = []
    for (let i = 0; i < 12; i++) updates.push(await t.applied('review:correct', { lineId: lines[i].id, text: texts[i].toUpperCase() }))
    return { batchId, lines, updates }
  }

  it('reads the printed lower case at first', async () => {
    const { rows: lines } = await openBatch('upper')
    const exact = lines.filter((l, i) => l.text === texts[i]).length
    expect(exact).toBeGreaterThanOrEqual(44)
  })

  it("learns the batch's upper-case convention from a few corrections and applies it to the other lines", async () => {
    const { batchId, lines, updates } = await taughtBatch()
    const last = updates.at(-1)!
    expect(last.decision.trust).toBeGreaterThan(0)
    // A correction replies with the trust decided before its own calibration; the learning chart's point
    // for it carries the trust that calibration decided (what the next correction replied with).
    const decided = await t.call('review:decision', { batchId })
    const chart = (await t.call('review:stats', { batchId })).history.map((p) => p.trust)
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
    const { batchId } = await taughtBatch()
    const ctx = await t.engine.review.context(batchId)
    const before = (await rows(batchId)).map((l) => [l.id, l.text, l.confidence])
    await ctx.recomputeAll({ recalibrate: false })
    const after = (await rows(batchId)).map((l) => [l.id, l.text, l.confidence])
    expect(after).toEqual(before)
  })

  it('after a restart says that it reads the batch in context again, then shows what it showed before', async () => {
    const { batchId } = await taughtBatch()
    const before = (await rows(batchId)).map((l) => [l.id, l.text, l.source])
    const decided = await t.call('review:decision', { batchId })
    await t.engine.close()
    // Closing kept the batch's neighbour lists beside the library: opening it again skips the search.
    expect(existsSync(join(t.dir, 'library.db-context', `batch-${batchId}.lists`))).toBe(true)
    await t.restart()
    const loading = await t.call('review:stats', { batchId })
    expect(loading).toMatchObject({ contextLoading: true, decision: null, reviewed: 12 })
    await t.engine.review.context(batchId)
    const loaded = await t.call('review:stats', { batchId })
    expect(loaded.contextLoading).toBe(false)
    expect(loaded.decision?.trust).toBe(decided.trust)
    expect((await rows(batchId)).map((l) => [l.id, l.text, l.source])).toEqual(before)
  })

  // Line 20 shows "date thank 38": the reviewer writes two characters the model cannot output in place of
  // two it read (a correction that rewrote the whole line would teach its words, not its frames).
  const odd = '𝔘ate thank ☃8'

  it('keeps a correction with characters the model cannot output, and learns its other characters', async () => {
    const { batchId, lines } = await taughtBatch()
    const before = await t.call('review:decision', { batchId })
    const update = await t.applied('review:correct', { lineId: lines[20].id, text: odd })
    // "ate thank" and "8" are frames the model can write; the two others become classes of the batch: all join the pool.
    expect(update.decision.poolEntries).toBeGreaterThan(before.poolEntries)
    expect(update.decision.unaligned).toBe(before.unaligned)
    const row = (await rows(batchId))[20]
    expect(row).toMatchObject({ text: odd, source: 'human' })
  })

  it('turns context on for a batch of one print after a handful of corrections', async () => {
    const { batchId, rows: lines } = await openBatch('upper')
    let on = -1
    for (let i = 0; i < 12 && on < 0; i++) {
      await t.applied('review:correct', { lineId: lines[i].id, text: texts[i].toUpperCase() })
      if ((await t.call('review:decision', { batchId })).trust > 0) on = i + 1
    }
    expect(on).toBeGreaterThan(0)
    expect(on).toBeLessThanOrEqual(10)
  })

  it('leaves a batch of unrelated words in many faces as the model read it', async () => {
    const { batchId, rows: lines } = await openBatch('unrelated')
    // The reviewer corrects the dozen hardest lines to what they show.
    const hardest = [...lines].sort((a, b) => (a.confidence ?? 0) - (b.confidence ?? 0)).slice(0, 12)
    for (const line of hardest) await t.applied('review:correct', { lineId: line.id, text: scattered[lines.indexOf(line)].text })
    const corrected = new Set(hardest.map((l) => l.id))
    const now = await rows(batchId)
    for (const [i, line] of now.entries()) {
      if (corrected.has(line.id)) continue
      // Never worse than the model alone, line by line.
      expect(distance(line.text, scattered[i].text)).toBeLessThanOrEqual(distance(line.modelText ?? '', scattered[i].text))
    }
  })

  it('takes a correction back on undo, its frames leaving the pool', async () => {
    const { batchId, lines } = await taughtBatch()
    await t.applied('review:correct', { lineId: lines[20].id, text: odd })
    const before = await t.call('review:decision', { batchId })
    const added = await t.applied('review:correct', { lineId: lines[30].id, text: texts[30].toUpperCase() })
    expect(added.decision.poolEntries).toBeGreaterThan(before.poolEntries)
    const undone = await t.applied('review:undo', { batchId })
    expect(undone?.lineId).toBe(lines[30].id)
    expect(undone?.decision.poolEntries).toBe(before.poolEntries)
    expect((await rows(batchId))[30].source).not.toBe('human')
    // The next undo takes back the correction before it (the line with characters outside the model).
    const second = await t.applied('review:undo', { batchId })
    expect(second?.lineId).toBe(lines[20].id)
  })

  it('takes a line marked not text out of the order, the counts, the pool and the export, and back on undo', async () => {
    const { batchId, lines } = await taughtBatch()
    const before = await t.call('review:decision', { batchId })
    const statsBefore = await t.call('review:stats', { batchId })
    // A corrected line marked not text leaves the pool; an unreviewed one leaves the order.
    const corrected = await t.applied('review:notText', { lineId: lines[3].id, notText: true })
    expect(corrected.decision.poolEntries).toBeLessThan(before.poolEntries)
    await t.applied('review:notText', { lineId: lines[30].id, notText: true })
    const stats = await t.call('review:stats', { batchId })
    expect(stats).toMatchObject({ lines: statsBefore.lines - 2, reviewed: statsBefore.reviewed - 1, notText: 2 })
    const hardest = (await t.call('batch:lines', { batchId, order: 'hardest', limit: 500 })).rows
    expect(hardest.slice(-2).map((r) => [r.id, r.notText])).toEqual([
      [lines[3].id, true],
      [lines[30].id, true],
    ])
    const unreviewed = (await t.call('batch:lines', { batchId, filter: 'unreviewed', limit: 500 })).rows
    expect(unreviewed.map((r) => r.id)).not.toContain(lines[30].id)
    expect((await t.call('batch:lines', { batchId, filter: 'not-text', limit: 500 })).rows.map((r) => r.id)).toEqual([lines[3].id, lines[30].id])
    const out = join(t.dir, 'not-text.json')
    await t.call('batch:export', { batchId, format: 'json', path: out, bom: false })
    const exported = JSON.parse(readFileSync(out, 'utf8')) as Array<{ text: string; status: string; model_text: string }>
    expect(exported[30]).toMatchObject({ status: 'not-text', text: '', model_text: lines[30].modelText })
    // Undo takes the last mark back, then the one before: the corrected line is corrected again, in the pool.
    expect((await t.applied('review:undo', { batchId }))?.lineId).toBe(lines[30].id)
    const undone = await t.applied('review:undo', { batchId })
    expect(undone?.lineId).toBe(lines[3].id)
    expect((await t.call('review:decision', { batchId })).poolEntries).toBe(before.poolEntries)
    expect((await rows(batchId))[3]).toMatchObject({ text: texts[3].toUpperCase(), source: 'human', notText: false })
    expect(await t.call('review:stats', { batchId })).toMatchObject({ lines: statsBefore.lines, notText: 0 })
    // Said to be text after all (not by undo): the line gets back the text it had before the mark.
    await t.applied('review:notText', { lineId: lines[3].id, notText: true })
    await t.applied('review:notText', { lineId: lines[3].id, notText: false })
    expect((await rows(batchId))[3]).toMatchObject({ text: texts[3].toUpperCase(), source: 'human', notText: false })
  })

  it('turns context off when the corrections contradict what the lines show', async () => {
    const { batchId: misled, rows: misledRows } = await openBatch('misleading')
    // Each "correction" is a different line's text: consistent with nothing on the page. (In the print's
    // own case: a reviewer who writes capitals teaches that convention, whatever else they type.)
    let last: ReviewUpdate | undefined
    for (let i = 0; i < 12; i++) {
      last = await t.applied('review:correct', { lineId: misledRows[i].id, text: misleading[(i + 7) % 30] })
    }
    expect(last!.decision.trust).toBe(0)
    expect(Object.keys(last!.decision.errorsByTrust).length).toBeGreaterThan(1)
    const now = await rows(misled)
    expect(now.slice(12).every((l) => l.source === 'model')).toBe(true)
  })
})
