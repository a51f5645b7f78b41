// Lines that arrive after the batch's context was loaded (recognition goes on while the reviewer
// corrects): read in context at once, and exactly as a full recompute reads them.
import { describe, expect, it } from 'vitest'
import { printedLine, printedText } from '../../../../tests/fixtures/glyph-lines'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'

const newContext = useBatchContexts()

// The model reads the printed ſ as f, ß as B: only the frames of corrected lines can teach them.
const printed = Array.from({ length: 72 }, (_, i) => printedText(i))
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)
const lines = (from: number, to: number) => range(from, to).map((i) => printedLine(i + 1, printed[i]))

describe('a batch read while it is reviewed', () => {
  it('reads the lines that arrive after corrections in context, as a full recompute does', async () => {
    const ctx = newContext()
    // The first 24 lines are read when the reviewer starts.
    ctx.addLines(lines(0, 24))
    ctx.linesLoaded()
    await ctx.recomputeAll()
    for (const i of range(0, 10)) {
      await ctx.correct(i + 1, printed[i])
      await ctx.settle()
    }
    expect(ctx.decided.trust).toBeGreaterThan(0)
    // The rest arrive in recognition steps, with a correction between them.
    const arrived = await ctx.readLines(lines(24, 48))
    await ctx.correct(25, printed[24])
    await ctx.settle()
    const later = await ctx.readLines(lines(48, 72))
    // Lines known already are not taken twice.
    expect((await ctx.readLines(lines(50, 51))).changed).toEqual([])
    // Read in context on arrival: the glyphs the corrections taught are read in them at once.
    expect(arrived.changed.length).toBeGreaterThan(12)
    expect(later.changed.length).toBeGreaterThan(12)
    for (const i of range(48, 72)) expect(ctx.reading(i + 1)?.text ?? null).toBe(printed[i])
    const streamed = range(0, 72).map((i) => ctx.reading(i + 1)?.text ?? null)
    await ctx.recomputeAll({ recalibrate: false })
    expect(range(0, 72).map((i) => ctx.reading(i + 1)?.text ?? null)).toEqual(streamed)
  })
})
