// In a batch of more than `linesPerUpdate` lines, a correction's new entries reach the rows of that many
// lines (the least confident) before it replies, and it reads at most that many of the lines it reached;
// the rest follow with `settle`, or first thing in the next correction: readings then are exactly a full
// recompute's, however the work was split.
import { describe, expect, it } from 'vitest'
import { printedLine, printedText } from '../../../../tests/fixtures/glyph-lines'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'

const newContext = useBatchContexts()

// The model reads the printed ſ as f, ß as B. Lines 1, 4, 7 … hold a ſ and no ß: corrected first, they
// turn context on; then each correction of a ß reaches the 40 lines that hold one.
const printed = Array.from({ length: 60 }, (_, i) => printedText(i))
const ids = printed.map((_, i) => i + 1)
const texts = (ctx: ReturnType<typeof newContext>) => ids.map((id) => ctx.reading(id)?.text ?? null)
const withoutSharpS = [1, 4, 7, 10, 13, 16, 19, 22]
const withSharpS = [0, 2, 3, 5, 6]

async function reviewed(linesPerUpdate: number, settleEach: boolean) {
  const ctx = newContext({ linesPerUpdate })
  ctx.addLines(printed.map((p, i) => printedLine(i + 1, p)))
  ctx.linesLoaded()
  await ctx.recomputeAll()
  for (const i of withoutSharpS) {
    await ctx.correct(i + 1, printed[i])
    await ctx.settle()
  }
  const replies: Array<{ changed: number[]; redecoded: number; settled: number[] }> = []
  for (const i of withSharpS) {
    const { changed, redecoded } = await ctx.correct(i + 1, printed[i])
    const settled = settleEach ? (await ctx.settle()).changed : []
    replies.push({ changed, redecoded, settled })
  }
  await ctx.settle()
  return { ctx, replies }
}

describe('an update that reaches many lines', () => {
  it('reads part of them before it replies, the rest with settle, and ends as a full recompute', async () => {
    const whole = await reviewed(10_000, true)
    const split = await reviewed(3, true)
    expect(whole.ctx.decided.trust).toBeGreaterThan(0)
    // The first ß taught reaches and changes most lines with a ß at once.
    expect(whole.replies[0].changed.length).toBeGreaterThan(30)
    for (const reply of split.replies) expect(reply.redecoded).toBeLessThanOrEqual(3)
    // Split, the same lines change: what the reply left waiting, settle read.
    const changedBy = (r: { changed: number[]; settled: number[] }) => new Set([...r.changed, ...r.settled])
    expect([...changedBy(split.replies[0])].sort()).toEqual([...changedBy(whole.replies[0])].sort())
    expect(texts(split.ctx)).toEqual(texts(whole.ctx))
    const incremental = texts(split.ctx)
    await split.ctx.recomputeAll({ recalibrate: false })
    expect(texts(split.ctx)).toEqual(incremental)
  })

  it('reads what waits before the next correction when settle was not asked for', async () => {
    const whole = await reviewed(10_000, false)
    const split = await reviewed(3, false)
    expect(texts(split.ctx)).toEqual(texts(whole.ctx))
    // Each correction's evidence (the line as context read it just before) was taken on readings as a
    // full recompute gives them, so the calibration decided the same.
    expect(split.ctx.decided).toEqual(whole.ctx.decided)
  })

  it('finishes the merge a reply left waiting before it saves the lists', async () => {
    const whole = await reviewed(10_000, false)
    const split = await reviewed(3, false)
    // Its new entries reach the rows of the 3 least confident lines before it replies, the rest later.
    await whole.ctx.correct(9, printed[8])
    await split.ctx.correct(9, printed[8])
    expect(await split.ctx.savedLists()).toEqual(await whole.ctx.savedLists())
  })
})
