import { describe, expect, it } from 'vitest'
import { parseAlphabet } from '../recognize/alphabet'
import { decodeSegments, joinSegments } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import { classMap } from '../recognize/scripts'
import { BatchAlphabet } from './batch-alphabet'
import { contextBeam } from './batch-scripts'

// A small model alphabet with a full-width colon and a CJK character beside the Latin ones.
const model = parseAlphabet('D\nA\nT\nE\n:\n：\n开\n2\n', { spaceAtEnd: true })
const at = (ch: string) => model.indexOf(ch)

/** Frames whose best class is each of `classes` in turn (two frames each, a blank frame after). */
function frames(classes: number[]): LineFrames {
  const k = 2
  const n = classes.length * 3
  const topIndex = new Uint16Array(n * k)
  const topProb = new Float32Array(n * k)
  const blank = new Float32Array(n)
  classes.forEach((c, i) => {
    for (const t of [3 * i, 3 * i + 1]) (topIndex[t * k] = c), (topProb[t * k] = 0.9), (topIndex[t * k + 1] = 0), (topProb[t * k + 1] = 0.1), (blank[t] = 0.1)
    const t = 3 * i + 2
    ;(topIndex[t * k] = 0), (topProb[t * k] = 0.95), (topIndex[t * k + 1] = c), (topProb[t * k + 1] = 0.05), (blank[t] = 0.95)
  })
  return { frames: n, k, topIndex, topProb, blank, dim: 0, features: new Float32Array(0) }
}

const read = (f: LineFrames, alphabet: BatchAlphabet, scripts: Parameters<typeof classMap>[1] | null) => {
  const state = { alphabet, scriptClasses: scripts ? classMap(model, scripts) : null }
  return joinSegments(decodeSegments(f, alphabet, contextBeam(state)), alphabet).text
}

describe("context's re-reading in the batch's scripts", () => {
  it('folds full-width forms and leaves CJK out in a Latin batch, as the model reading does; all classes otherwise', () => {
    const alphabet = new BatchAlphabet(model)
    const f = frames([at('D'), at('A'), at('T'), at('E'), at('：'), at('开'), at('2')])
    expect(read(f, alphabet, ['latin'])).toBe('DATE:2')
    expect(read(f, alphabet, null)).toBe('DATE：开2')
    expect(read(f, alphabet, ['latin', 'cjk'])).toBe('DATE：开2')
  })

  it("keeps the classes the batch's corrections added (past the model's), which the scripts' map does not know", () => {
    const alphabet = new BatchAlphabet(model)
    const sharpS = alphabet.add('ß')
    expect(sharpS).toBeGreaterThanOrEqual(model.size)
    expect(read(frames([at('D'), sharpS, at('：')]), alphabet, ['latin'])).toBe('Dß:')
  })
})
