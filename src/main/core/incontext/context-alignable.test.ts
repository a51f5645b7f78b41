import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor } from '../../../../tests/fixtures/synthetic-frames'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import { decode } from '../recognize/ctc'

const newContext = useBatchContexts()

describe('a correction that rewrites what the frames show', () => {
  it('stays corrected but adds no frames to the pool; a correction of a few characters does', async () => {
    const ctx = newContext()
    const printed = ['b', 'Tota1 12.50', 'Cash 20.00']
    ctx.addLines(
      printed.map((text, i) => {
        const frames = framesFor(text, { seed: i + 1 })
        return { id: i + 1, frames, model: decode(frames, asciiAlphabet) }
      }),
    )
    ctx.linesLoaded()
    await ctx.recomputeAll()
    await ctx.correct(1, 'file')
    await ctx.settle()
    expect(ctx.decided.correctedLines).toBe(1)
    expect(ctx.decided.unaligned).toBe(1)
    expect(ctx.decided.poolEntries).toBe(0)
    await ctx.correct(2, 'Total 12.50')
    await ctx.settle()
    expect(ctx.decided.unaligned).toBe(1)
    expect(ctx.decided.poolEntries).toBeGreaterThan(0)
  })
})
