import { describe, expect, it } from 'vitest'
import { CLOSE_C, LIGATURE, printedLine as line, written } from '../../../../tests/fixtures/glyph-lines'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import type { BatchContext } from './context'

const newContext = useBatchContexts()

// Words printed with the "ch" ligature (the model reads "id" for "ich"), with "c" and "h" apart (read
// right), and with a plain "d". Lines from the 13th on also hold "${CLOSE_C}hat", whose "c" looks like the
// ligature and is read right: no corrected line shows one.
const L = LIGATURE
const words = [`i${L}`, 'chat', `no${L}`, 'der', `ma${L}t`, 'echo', `Ba${L}`, 'da']
const printed = Array.from({ length: 36 }, (_, i) => `${words[i % words.length]} ${words[(i * 3 + 1) % words.length]}${i >= 12 && i % 2 ? ` ${CLOSE_C}hat` : ''}`)

async function taught(n: number, write: (p: string) => string = written) {
  const ctx = newContext()
  ctx.addLines(inputs)
  ctx.linesLoaded()
  await ctx.recomputeAll()
  for (let i = 0; i < n; i++) {
    await ctx.correct(i + 1, write(printed[i]))
    await ctx.settle()
  }
  return ctx
}

const inputs = printed.map((p, i) => line(i + 1, p))
/** What each line shows: context's reading, or the model's where context changed nothing. */
const shown = (ctx: BatchContext) => inputs.map((input) => ctx.reading(input.id)?.text ?? input.model.text)

describe('ligatures: two letters the model reads as one glyph', () => {
  it('are read as the reviewer writes them in lines no one corrected, and letters printed apart stay single', async () => {
    const before = shown(await taught(0))
    expect(before[0]).toBe('id chat')
    const ctx = await taught(12)
    expect(ctx.savedPool().classes).toEqual(['ch'])
    const now = shown(ctx)
    for (let i = 12; i < printed.length; i++) expect(now[i]).toBe(written(printed[i]))
  })

  it('never appear in a batch whose corrections wrote none', async () => {
    // The reviewer accepts "id" for the ligature: nothing was written that the model gave no frame.
    const ctx = await taught(12, (p) => p.replaceAll(L, 'd'))
    expect(ctx.savedPool().classes).toBeUndefined()
    expect(shown(ctx)).toEqual(printed.map((p) => written(p.replaceAll(L, 'd'))))
  })

  it('read after each correction as a full recompute reads', async () => {
    const ctx = await taught(0)
    for (let i = 0; i < 12; i++) {
      await ctx.correct(i + 1, written(printed[i]))
      await ctx.settle()
      const incremental = shown(ctx)
      await ctx.recomputeAll({ recalibrate: false })
      expect(shown(ctx)).toEqual(incremental)
    }
  })

  it('come with a saved pool', async () => {
    const pool = (await taught(12)).savedPool()
    const ctx = newContext()
    ctx.addLines(inputs)
    ctx.linesLoaded()
    ctx.loadSavedPool({ ...pool, trust: 1, lexiconBias: 0 })
    await ctx.recomputeAll()
    const now = shown(ctx)
    for (let i = 0; i < printed.length; i++) expect(now[i]).toBe(written(printed[i]))
  })
})
