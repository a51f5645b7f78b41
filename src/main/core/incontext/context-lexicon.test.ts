import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor, type Doubt } from '../../../../tests/fixtures/synthetic-frames'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import { seeded } from '../../../../tests/fixtures/synthetic-batch'
import { decode } from '../recognize/ctc'
import { BatchContext } from './context'

const newContext = useBatchContexts()

/** A context over lines the model reads as `printed` (with its doubts); features are all unalike. */
function contextOf(printed: Array<{ text: string; doubts?: Doubt[] }>) {
  const ctx = newContext()
  ctx.addLines(
    printed.map((p, i) => {
      const frames = framesFor(p.text, { doubts: p.doubts, seed: i + 1 })
      return { id: i + 1, frames, model: decode(frames, asciiAlphabet) }
    }),
  )
  ctx.linesLoaded()
  return ctx
}

/** A correction and the calibration that follows it, as the worker runs them. */
async function correct(ctx: BatchContext, lineId: number, text: string | null) {
  await ctx.correct(lineId, text)
  await ctx.settle()
}

const shown = (ctx: BatchContext, n: number) => Array.from({ length: n }, (_, i) => ctx.reading(i + 1)?.text ?? null)

describe("the batch's vocabulary in context", () => {
  // 40 lines print "TOTAL n" but the model reads "JOTAL" (T at 40 %); 8 print "SWEET n" and the model is
  // sure of it; 4 print "SHEET n".
  const printed = [
    ...Array.from({ length: 40 }, (_, i) => ({ text: `JOTAL ${i}`, doubts: [{ at: 0, alternative: 'T', p: 0.4 }], truth: `TOTAL ${i}` })),
    ...Array.from({ length: 8 }, (_, i) => ({ text: `SWEET ${i}`, doubts: [{ at: 1, alternative: 'H', p: 0.001 }], truth: `SWEET ${i}` })),
    ...Array.from({ length: 4 }, (_, i) => ({ text: `SHEET ${i}`, truth: `SHEET ${i}` })),
    ...Array.from({ length: 6 }, (_, i) => ({ text: `CASX ${i}`, doubts: [{ at: 3, alternative: 'H', p: 0.4 }], truth: `CASH ${i}` })),
  ]
  const corrected = [...Array.from({ length: 10 }, (_, i) => i), 48, 49]

  it('takes the corrected words into doubtful readings, leaves confident ones, and names the lines it took them from', async () => {
    const ctx = contextOf(printed)
    await ctx.recomputeAll()
    for (const i of corrected) await correct(ctx, i + 1, printed[i].truth)
    expect(ctx.decided.trust).toBe(0)
    expect(ctx.decided.lexiconBias).toBeGreaterThan(0)
    expect(ctx.decided.lexiconEntries).toBeGreaterThan(0)
    const now = shown(ctx, printed.length)
    for (let i = 10; i < 40; i++) expect(now[i]).toBe(printed[i].truth)
    for (let i = 40; i < 48; i++) expect(now[i]).toBeNull()
    const examples = ctx.reading(11)!.examples
    expect(examples.length).toBeGreaterThan(0)
    for (const e of examples) expect(corrected.map((i) => i + 1)).toContain(e)
  })

  it('gives after each correction and undo exactly what a full recompute gives', async () => {
    const ctx = contextOf(printed)
    await ctx.recomputeAll()
    const check = async () => {
      const incremental = shown(ctx, printed.length)
      const confidences = Array.from({ length: printed.length }, (_, i) => ctx.reading(i + 1)?.confidence ?? null)
      await ctx.recomputeAll({ recalibrate: false })
      expect(shown(ctx, printed.length)).toEqual(incremental)
      expect(Array.from({ length: printed.length }, (_, i) => ctx.reading(i + 1)?.confidence ?? null)).toEqual(confidences)
    }
    const order: Array<{ lineId: number; text: string }> = []
    for (const i of corrected) {
      // The correction's own update, before and after the calibration that follows it.
      await ctx.correct(i + 1, printed[i].truth)
      order.push({ lineId: i + 1, text: printed[i].truth })
      await check()
      await ctx.settle()
      await check()
    }
    // A new word once the bias is settled reaches only the lines near it — and leaves with its undo.
    const bias = ctx.decided.lexiconBias
    expect(bias).toBeGreaterThan(0)
    await correct(ctx, 53, printed[52].truth)
    expect(ctx.decided.lexiconBias).toBe(bias)
    await check()
    expect(shown(ctx, 58).slice(53)).toEqual(printed.slice(53).map((p) => p.truth))
    // Line 53's own leave-one-out had no "CASH" to read with until line 54's correction brings one: the
    // edits kept between corrections are then those a fresh calibration finds.
    await correct(ctx, 54, printed[53].truth)
    const fresh = contextOf(printed)
    fresh.loadCorrections([...order, { lineId: 53, text: printed[52].truth }, { lineId: 54, text: printed[53].truth }])
    await fresh.recomputeAll()
    expect(fresh.decided.errorsByBias).toEqual(ctx.decided.errorsByBias)
    await correct(ctx, 54, null)
    await correct(ctx, 53, null)
    expect(ctx.decided.lexiconBias).toBe(bias)
    await check()
    expect(shown(ctx, 58).slice(52).every((t) => t === null)).toBe(true)
    // Undo every "TOTAL": the word leaves the vocabulary and the lines read as the model reads them.
    for (let i = 0; i < 10; i++) {
      await ctx.correct(i + 1, null)
      await check()
      await ctx.settle()
      await check()
    }
    expect(shown(ctx, 40).every((t) => t === null)).toBe(true)
  })

  it("starts a new batch with a saved pool's words and bias, before any correction of its own", async () => {
    const first = contextOf(printed)
    await first.recomputeAll()
    for (const i of corrected) await correct(first, i + 1, printed[i].truth)
    const saved = { ...first.savedPool(), trust: first.decided.trust, lexiconBias: first.decided.lexiconBias }
    expect(saved.words).toContain('TOTAL')
    const next = contextOf(printed.slice(0, 40))
    next.loadSavedPool(saved)
    await next.recomputeAll()
    expect(next.decided.lexiconBias).toBe(saved.lexiconBias)
    expect(shown(next, 40)).toEqual(printed.slice(0, 40).map((p) => p.truth))
    // The saved words belong to no line of this batch: they are not offered as examples.
    expect(next.reading(1)!.examples).toEqual([])
  })

  it('turns the vocabulary off when replaying the corrections shows it replacing correct words', async () => {
    // Each line prints a word of its own (doubtful in one letter) and, confidently, a near miss of the
    // next line's word: every correction's words are close to another line's correct reading.
    const random = seeded(11)
    const word = () => Array.from({ length: 6 }, () => 'KLMNPRSTVW'[Math.floor(random() * 10)]).join('')
    const words = Array.from({ length: 31 }, word)
    const variant = (w: string) => 'Q' + w.slice(1)
    const lines = Array.from({ length: 30 }, (_, i) => ({
      text: `${words[i]} ${variant(words[i + 1])}`,
      doubts: [{ at: 0, alternative: 'Q', p: 0.4 }],
    }))
    const ctx = contextOf(lines)
    await ctx.recomputeAll()
    for (let i = 0; i < 20; i++) await correct(ctx, i + 1, lines[i].text)
    expect(ctx.decided.lexiconBias).toBe(0)
    expect(Object.keys(ctx.decided.errorsByBias).length).toBeGreaterThan(1)
    expect(shown(ctx, 30).every((t) => t === null)).toBe(true)
  })
})
