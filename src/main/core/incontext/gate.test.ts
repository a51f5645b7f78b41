import { describe, expect, it } from 'vitest'
import { asciiAlphabet } from '../../../../tests/fixtures/synthetic-frames'
import { Ballot } from './ballot'
import { BatchAlphabet } from './batch-alphabet'
import { CHAR_FEATURES, charFeatures, ClassKinds, isotropic, widened } from './gate'
import { FramePool } from './pool'

describe('a gate saved with fewer features', () => {
  it('keeps its weights and precisions and takes the prior for the features added since', () => {
    const saved = { mean: [1, 2], precision: [4, 1, 1, 5] }
    const like = isotropic([0, 0, 0.5], 2)
    const wide = widened(saved, like)
    expect(wide.mean).toEqual([1, 2, 0.5])
    expect(wide.precision).toEqual([4, 1, 0, 1, 5, 0, 0, 0, 2])
    expect(widened(like, like)).toBe(like)
  })
})

describe("a char unit's features", () => {
  it('tell a vote for a class the batch added (ſ where the model reads f) from a ligature and a class of the model', () => {
    const alphabet = new BatchAlphabet(asciiAlphabet)
    const longS = alphabet.add('ſ')
    const ch = alphabet.add('ch')
    const kinds = new ClassKinds(alphabet, { modelSize: asciiAlphabet.size, capacity: asciiAlphabet.size + 8 })
    kinds.sync()
    const f = alphabet.indexOf('f')
    const features = (label: number) => {
      const pool = new FramePool(1)
      pool.add(1, [{ label, features: Float32Array.of(1) }])
      const ballot = new Ballot()
      ballot.add({ sims: Float32Array.of(0.99), ids: Int32Array.of(0), at: 0, count: 1 }, pool, 0.1, 0.02)
      ballot.decide()
      const x = new Float64Array(CHAR_FEATURES)
      charFeatures(x, ballot, f, { pm: 0.9, pv: 0.9, collapse: false, letters: 2.5 }, kinds)
      return { ligature: x[15], added: x[16], letters: x[17] }
    }
    // The gate fits a weight of its own for such votes: the model's confidence in its f says nothing
    // against a class it cannot write, and a diplomatic transcription writes ſ for most of its f's.
    // The letter context is weighed for an added class only: other letters keep today's gate.
    expect(features(longS)).toEqual({ ligature: 0, added: 1, letters: 2.5 })
    expect(features(ch)).toEqual({ ligature: 1, added: 0, letters: 0 })
    expect(features(alphabet.indexOf('t'))).toEqual({ ligature: 0, added: 0, letters: 0 })
  })
})
