import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor } from '../../../../tests/fixtures/synthetic-frames'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import { printedLine as glyphLine } from '../../../../tests/fixtures/glyph-lines'
import { decode } from '../recognize/ctc'
import type { BatchContext } from './context'

const newContext = useBatchContexts()

// A receipt batch transcribed in capitals: the model reads its words as printed, in mixed case.
const printed = ['Total 12.50', 'Cash 20.00', 'Change 7.50', 'Thank you', 'Please come again', 'Rounding 0.01', 'Tax 0.70', 'Qty 2']
const truth = printed.map((t) => t.toUpperCase())

function contextOf() {
  const ctx = newContext()
  ctx.addLines(
    printed.map((text, i) => {
      const frames = framesFor(text, { seed: i + 1 })
      return { id: i + 1, frames, model: decode(frames, asciiAlphabet) }
    }),
  )
  ctx.linesLoaded()
  return ctx
}

async function correct(ctx: BatchContext, lineId: number, text: string | null) {
  const update = await ctx.correct(lineId, text)
  await ctx.settle()
  return update
}

const shown = (ctx: BatchContext) => printed.map((_, i) => ctx.reading(i + 1)?.text ?? null)

describe('the batch’s case convention in context', () => {
  it('shows every line in capitals once three corrections turned the model’s case, and takes it back', async () => {
    const ctx = contextOf()
    await ctx.recomputeAll()
    await correct(ctx, 1, truth[0])
    await correct(ctx, 2, truth[1])
    expect(shown(ctx).slice(3)).toEqual([null, null, null, null, null])
    expect(ctx.decided.conventions?.case).toBe(null)
    const third = await correct(ctx, 3, truth[2])
    expect(shown(ctx).slice(3)).toEqual(truth.slice(3))
    // The decision says so (the learning panel shows it: context may be off while the convention acts).
    expect(ctx.decided.conventions?.case).toBe('upper')
    // The correction's own reply names every line the convention changed (the screen updates them).
    expect(third.changed.sort()).toEqual([4, 5, 6, 7, 8])
    // Confidences stay the model's: the convention changes what is written, not what was seen.
    expect(ctx.reading(4)!.confidence).toBe(decode(framesFor(printed[3], { seed: 4 }), asciiAlphabet).confidence)

    // A line written in lower case says the batch has no such convention…
    await correct(ctx, 4, 'Thank you')
    expect(shown(ctx).slice(4)).toEqual([null, null, null, null])
    expect(ctx.decided.conventions?.case).toBe(null)
    // …and undoing it brings the convention back; incremental and recomputed readings agree throughout.
    await correct(ctx, 4, null)
    const incremental = shown(ctx)
    expect(incremental.slice(3)).toEqual(truth.slice(3))
    await ctx.recomputeAll({ recalibrate: false })
    expect(shown(ctx)).toEqual(incremental)
  })

  it('comes back with the saved corrections when a batch is opened again', async () => {
    const ctx = contextOf()
    ctx.loadCorrections([0, 1, 2].map((i) => ({ lineId: i + 1, text: truth[i] })))
    await ctx.recomputeAll()
    expect(shown(ctx).slice(3)).toEqual(truth.slice(3))
  })
})

describe('a letter’s case in context', () => {
  it('is licensed by lines of words, or letter by letter: ticks "X" written "x" count for "x" alone', async () => {
    // fuse.ts lets context change a letter's case only the way two corrected lines turned that letter, or
    // two lines of words any letter; on forms-dev, ticks corrected "X" → "x" had let it read "Alabama" as "alabama".
    const printed = ['Fort Lee', 'X', 'X', 'Florida']
    const ctx = newContext()
    ctx.addLines(printed.map((p, i) => glyphLine(i + 1, p)))
    ctx.linesLoaded()
    await ctx.recomputeAll()
    const linesTurned = (letter: string) => ctx['state'].stores.chars.pool.caseChangeLines(asciiAlphabet.indexOf(letter))
    await correct(ctx, 1, 'fort Lee')
    await correct(ctx, 2, 'x')
    await correct(ctx, 3, 'x')
    expect([linesTurned('x'), linesTurned('f'), linesTurned('a')]).toEqual([2, 1, 0])
    // Lines of words turning the case down, which license any letter: "fort Lee" only.
    expect(ctx['state'].stores.chars.pool.caseTurnLines(false)).toBe(1)
    await correct(ctx, 2, null)
    expect(linesTurned('x')).toBe(1)
  })
})

describe('marks the batch writes with no space before them, in context', () => {
  it('are shown so on every line once three corrections took the model’s space out, and undone with them', async () => {
    const read = ['Worte , sei aber', 'fanden , durch', 'nicht glaublich , dass', 'ein Hase , der', 'gerade so : wie', 'Frau , und']
    const ctx = newContext()
    ctx.addLines(read.map((text, i) => ({ id: i + 1, frames: framesFor(text, { seed: i + 1 }), model: decode(framesFor(text, { seed: i + 1 }), asciiAlphabet) })))
    ctx.linesLoaded()
    await ctx.recomputeAll()
    const shownNow = () => read.map((text, i) => ctx.reading(i + 1)?.text ?? text)
    await correct(ctx, 1, 'Worte, sei aber')
    await correct(ctx, 2, 'fanden, durch')
    expect(shownNow().slice(3)).toEqual(read.slice(3))
    const third = await correct(ctx, 3, 'nicht glaublich, dass')
    // Only the comma: no correction has said how the batch writes ":".
    expect(shownNow().slice(3)).toEqual(['ein Hase, der', 'gerade so : wie', 'Frau, und'])
    expect(third.changed.sort()).toEqual([4, 6])
    expect(ctx.decided.conventions).toEqual({ case: null, unspacedBefore: ',' })
    await correct(ctx, 3, null)
    expect(shownNow().slice(3)).toEqual(read.slice(3))
  })
})
