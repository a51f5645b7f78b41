import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor } from '../../../../tests/fixtures/synthetic-frames'
import type { Alignment } from './align'
import { BatchAlphabet } from './batch-alphabet'
import { FuseScratch, fuseRun, type FrameNeighbours } from './fuse'
import { CHAR_FEATURES, ClassKinds, GAP_FEATURES } from './gate'
import { LetterContextCounts, type LetterContext } from './letter-context'
import { FramePool } from './pool'
import { defaultContextSettings } from './settings'
import { noSpacing } from './spacing'

const alphabet = new BatchAlphabet(asciiAlphabet)
const longS = alphabet.add('ſ')
const kinds = new ClassKinds(alphabet, { modelSize: asciiAlphabet.size, capacity: asciiAlphabet.size + 4 })
kinds.sync()
const c = (ch: string) => alphabet.indexOf(ch)
const space = alphabet.space

/** The model's reading of a line (framesFor: two frames per character, then a blank) and the reviewer's
 *  text aligned on it character by character. */
function corrected(read: string, text: string): { frames: ReturnType<typeof framesFor>; alignment: Alignment } {
  const frames = framesFor(read)
  const labels = new Int32Array(frames.frames)
  const position = new Int32Array(frames.frames).fill(-1)
  ;[...text].forEach((ch, i) => {
    for (const t of [3 * i, 3 * i + 1]) (labels[t] = c(ch)), (position[t] = i)
  })
  return { frames, alignment: { labels, position } }
}

/** Lines 1..n on which the model read "afch auf" and the reviewer wrote "aſch auf". */
function batch(n: number): LetterContextCounts {
  const counts = new LetterContextCounts(space)
  for (let id = 1; id <= n; id++) {
    const { frames, alignment } = corrected('afch auf', 'aſch auf')
    counts.set(id, frames, alignment)
  }
  return counts
}

describe('the letter context of a class the batch added', () => {
  it('speaks for ſ where the model reads "fch" and for f at the end of a word, from what the model read around each', () => {
    const context = batch(5).freeze()
    expect(context.logOdds(longS, c('f'), c('a'), c('c'))).toBeGreaterThan(2)
    // A space and the line's end are both a word's edge.
    expect(context.logOdds(longS, c('f'), c('u'), space)).toBeLessThan(-2)
    expect(context.logOdds(longS, c('f'), c('u'), -1)).toBeLessThan(-2)
  })

  it('says nothing until the reviewer has written the class for the model\'s letter five times', () => {
    expect(batch(4).freeze().logOdds(longS, c('f'), c('a'), c('c'))).toBe(0)
    // Nor for a letter the model reads that was never corrected into it.
    expect(batch(5).freeze().logOdds(longS, c('h'), c('c'), space)).toBe(0)
  })

  it('takes a correction back out, and stays as frozen while corrections come and go', () => {
    const counts = batch(5)
    const frozen = counts.freeze()
    const before = frozen.logOdds(longS, c('f'), c('a'), c('c'))
    const { frames } = corrected('afch auf', 'aſch auf')
    counts.set(5, frames, null)
    expect(counts.freeze().logOdds(longS, c('f'), c('a'), c('c'))).toBe(0)
    expect(frozen.logOdds(longS, c('f'), c('a'), c('c'))).toBe(before)
    // Corrected again: the same counts as a batch that never lost it.
    counts.set(5, frames, corrected('afch auf', 'aſch auf').alignment)
    expect(counts.freeze().logOdds(longS, c('f'), c('u'), space)).toBe(batch(5).freeze().logOdds(longS, c('f'), c('u'), space))
  })

  it('decides a split ſ/f vote in fusion by the letters the model reads around the unit', () => {
    // Three corrected lines stored an f on frames like these, two a ſ: the model's f leads the vote.
    const pool = new FramePool(1)
    const ids = [
      ...[1, 2, 3].map((line) => pool.add(line, [{ label: c('f'), features: Float32Array.of(1) }])[0]),
      ...[4, 5].map((line) => pool.add(line, [{ label: longS, features: Float32Array.of(1) }])[0]),
    ]
    const votes: FrameNeighbours = { sims: Float32Array.from(ids, () => 0.99), ids: Int32Array.from(ids), at: 0, count: ids.length }
    // A gate that weighs the letter context alone.
    const weights = { chars: new Array<number>(CHAR_FEATURES).fill(0), gaps: new Array<number>(GAP_FEATURES).fill(0) }
    weights.chars[17] = 1
    const read = (text: string, letters: LetterContext) => {
      const frames = framesFor(text)
      const at = text.indexOf('f')
      const queried = Int32Array.from([...text].flatMap((_, i) => [3 * i, 3 * i + 1]))
      const index = frames.topIndex.slice()
      const prob = frames.topProb.slice()
      fuseRun(frames, queried, 2 * at, 2 * at + 2, () => votes, pool, { on: true, weights, kinds, spacing: noSpacing, letters }, defaultContextSettings, index, prob, new Int32Array(queried.length), new FuseScratch())
      return index[3 * at * frames.k]
    }
    const context = batch(5).freeze()
    expect(read('afch', context)).toBe(longS)
    expect(read('auf', context)).toBe(c('f'))
    expect(read('auf h', context)).toBe(c('f'))
  })
})
