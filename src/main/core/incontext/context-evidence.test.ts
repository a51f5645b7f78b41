import { describe, expect, it } from 'vitest'
import { printedLine as line, printedText } from '../../../../tests/fixtures/glyph-lines'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import type { ContextSettings } from './settings'

const newContext = useBatchContexts()

const printed = Array.from({ length: 36 }, (_, i) => printedText(i))

/** How many corrections of a batch of one print it takes for context to go on (0: it never did). */
async function correctionsToTrust(settings: Partial<ContextSettings>): Promise<{ at: number; trace: number[] }> {
  const ctx = newContext(settings)
  ctx.addLines(printed.map((p, i) => line(i + 1, p)))
  ctx.linesLoaded()
  await ctx.recomputeAll()
  const trace: number[] = []
  for (let i = 0; i < 20; i++) {
    await ctx.correct(i + 1, printed[i])
    await ctx.settle()
    trace.push(ctx.decided.trust)
    if (ctx.decided.trust > 0) return { at: i + 1, trace }
  }
  return { at: 0, trace }
}

describe('the evidence of a batch with few corrections', () => {
  it('is every corrected line read with all the others, so context goes on sooner than on readings from when each was made', async () => {
    const refreshed = await correctionsToTrust({})
    const atTheTime = await correctionsToTrust({ refreshEvidenceUpTo: 0 })
    expect(refreshed.at).toBeGreaterThan(0)
    expect(atTheTime.at === 0 || refreshed.at < atTheTime.at, `${refreshed.trace.join()} vs ${atTheTime.trace.join()}`).toBe(true)
  })
})
