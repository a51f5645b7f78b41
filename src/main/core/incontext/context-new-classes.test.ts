import { describe, expect, it } from 'vitest'
import { printedLine as line, printedText } from '../../../../tests/fixtures/glyph-lines'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import { BatchContext } from './context'

const newContext = useBatchContexts()

const printed = Array.from({ length: 36 }, (_, i) => printedText(i))

async function taught(n: number) {
  const ctx = newContext()
  ctx.addLines(printed.map((p, i) => line(i + 1, p)))
  ctx.linesLoaded()
  await ctx.recomputeAll()
  for (let i = 0; i < n; i++) {
    await ctx.correct(i + 1, printed[i])
    await ctx.settle()
  }
  return ctx
}

const shown = (ctx: BatchContext) => printed.map((p, i) => ctx.reading(i + 1)?.text ?? null)

describe('classes a batch adds to the model’s', () => {
  it('read the glyphs the corrections taught in lines no one corrected', async () => {
    const ctx = await taught(12)
    expect(ctx.decided.trust).toBeGreaterThan(0)
    const now = shown(ctx)
    for (let i = 12; i < printed.length; i++) expect(now[i]).toBe(printed[i])
  })

  it('go when the corrections that brought them are taken back', async () => {
    const ctx = await taught(12)
    for (let i = 0; i < 12; i++) await ctx.correct(i + 1, null)
    await ctx.settle()
    for (const text of shown(ctx)) expect(text ?? '').not.toMatch(/[ſß]/u)
  })

  it("come with a saved pool, renumbered in the batch that loads it (its own new classes first)", async () => {
    const pool = (await taught(12)).savedPool()
    expect(pool.classes).toEqual(['ſ', 'ß'])
    const ctx = newContext()
    ctx.addLines([line(100, 'öa'), ...printed.map((p, i) => line(i + 1, p))])
    ctx.linesLoaded()
    // This batch's first new class is ö: the pool's ſ and ß come after it.
    await ctx.correct(100, 'öa')
    ctx.loadSavedPool({ ...pool, trust: 1, lexiconBias: 0 })
    await ctx.recomputeAll()
    const now = shown(ctx)
    for (let i = 12; i < printed.length; i++) expect(now[i]).toBe(printed[i])
    expect(ctx.savedPool().classes).toEqual(['ö', 'ſ', 'ß'])
  })
})
