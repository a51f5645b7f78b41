import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor } from '../../../../tests/fixtures/synthetic-frames'
import { useBatchContexts } from '../../../../tests/fixtures/use-batch-context'
import { decode } from '../recognize/ctc'
import { BatchContext } from './context'
import { readLists, writeLists } from './saved-lists'

const newContext = useBatchContexts()

// 30 lines in five looks (lines of one look share their frames' features), the model unsure of a letter.
const printed = Array.from({ length: 30 }, (_, i) => ({ text: `JOTAL ${i % 7}`, seed: (i % 5) + 1 }))
const truth = (i: number) => `TOTAL ${i % 7}`

function loaded() {
  const ctx = newContext()
  ctx.addLines(
    printed.map((p, i) => {
      const frames = framesFor(p.text, { seed: p.seed, doubts: [{ at: 0, alternative: 'T', p: 0.4 }] })
      return { id: i + 1, frames, model: decode(frames, asciiAlphabet) }
    }),
  )
  ctx.linesLoaded()
  return ctx
}

const shown = (ctx: BatchContext) => printed.map((_, i) => ctx.reading(i + 1))

describe('neighbour lists saved when a batch is closed', () => {
  // A session: ten lines corrected, one of them twice, and one correction undone.
  const session: Array<[lineId: number, text: string | null]> = [
    ...Array.from({ length: 10 }, (_, i): [number, string] => [i + 1, truth(i)]),
    [11, 'JOTAL 4'],
    [1, truth(0)],
    [11, null],
  ]
  // What the library gives when the batch is opened again: each line's latest correction, in the order
  // of those (an undone one has no text).
  const latest = [...Array.from({ length: 9 }, (_, i) => ({ lineId: i + 2, text: truth(i + 1) })), { lineId: 1, text: truth(0) }]

  it('stand in for the search when the batch opens again, and give what the search gives', async () => {
    const before = loaded()
    await before.recomputeAll()
    for (const [lineId, text] of session) {
      await before.correct(lineId, text)
      await before.settle()
    }
    const lists = await before.savedLists()
    expect(lists.chars.counts.some((c) => c > 0)).toBe(true)
    expect(shown(before).filter((r) => r !== null).length).toBeGreaterThan(5)

    const again = loaded()
    again.loadCorrections(latest)
    again.restoreDecision(before.decided)
    const result = await again.recomputeAll({ recalibrate: false, lists })
    expect(result.restored).toBe(2)
    expect(shown(again)).toEqual(shown(before))

    const searched = loaded()
    searched.loadCorrections(latest)
    searched.restoreDecision(before.decided)
    expect((await searched.recomputeAll({ recalibrate: false })).restored).toBe(0)
    expect(await again.savedLists()).toEqual(await searched.savedLists())
    expect(shown(searched)).toEqual(shown(before))
  })

  it('are searched again when the corrections differ from those they were found with', async () => {
    const before = loaded()
    await before.recomputeAll()
    for (const [lineId, text] of session) await before.correct(lineId, text)
    const lists = await before.savedLists()
    const changed = [...latest, { lineId: 12, text: truth(11) }]
    const again = loaded()
    again.loadCorrections(changed)
    expect((await again.recomputeAll({ recalibrate: true, lists })).restored).toBe(0)
    const searched = loaded()
    searched.loadCorrections(changed)
    await searched.recomputeAll({ recalibrate: true })
    expect(await again.savedLists()).toEqual(await searched.savedLists())
    expect(shown(again)).toEqual(shown(searched))
  })

  it('read back from their file as written, and a damaged file reads as none', async () => {
    const ctx = loaded()
    ctx.loadCorrections(latest)
    await ctx.recomputeAll()
    const dir = mkdtempSync(join(tmpdir(), 'lector-lists-'))
    const path = join(dir, 'library.db-context', 'batch-1.lists')
    writeLists(path, await ctx.savedLists())
    expect(readLists(path)).toEqual(await ctx.savedLists())
    expect(readLists(join(dir, 'none.lists'))).toBeNull()
    writeFileSync(path, readFileSync(path).subarray(0, 300))
    expect(readLists(path)).toBeNull()
    writeFileSync(path, Buffer.from('not lists at all'))
    expect(readLists(path)).toBeNull()
    // A write that fails (here its name is taken by a folder) leaves no partial file behind.
    const taken = join(dir, 'library.db-context', 'batch-2.lists')
    mkdirSync(taken)
    const lists = await ctx.savedLists()
    expect(() => writeLists(taken, lists)).toThrow()
    expect(existsSync(`${taken}.partial`)).toBe(false)
  })
})
