import { describe, expect, it } from 'vitest'
import type { LineFrames } from '../recognize/frames'
import { seeded } from '../../../../tests/fixtures/synthetic-batch'
import { ctcLogLikelihood } from './ctc-score'

/** Random frames over `classes` classes (0 = blank), every class in every row (k = classes). */
function randomFrames(frames: number, classes: number, seed: number): LineFrames {
  const random = seeded(seed)
  const topIndex = new Uint16Array(frames * classes)
  const topProb = new Float32Array(frames * classes)
  const blank = new Float32Array(frames)
  for (let t = 0; t < frames; t++) {
    const p = Array.from({ length: classes }, () => random() + 0.05)
    const total = p.reduce((a, b) => a + b, 0)
    const ranked = p.map((x, c) => [c, x / total] as const).sort((a, b) => b[1] - a[1])
    ranked.forEach(([c, x], j) => {
      topIndex[t * classes + j] = c
      topProb[t * classes + j] = x
      if (c === 0) blank[t] = x
    })
  }
  return { frames, k: classes, topIndex, topProb, blank, dim: 0, features: new Float32Array(0) }
}

/** p(label) by brute force: every frame-by-frame path, collapsed. */
function bruteForce(f: LineFrames, label: number[]): number {
  const prob = (t: number, c: number) => {
    for (let j = 0; j < f.k; j++) if (f.topIndex[t * f.k + j] === c) return f.topProb[t * f.k + j]
    return 0
  }
  let total = 0
  const path: number[] = []
  const walk = (t: number, p: number) => {
    if (t === f.frames) {
      const collapsed = path.filter((c, i) => c !== 0 && c !== path[i - 1])
      if (collapsed.length === label.length && collapsed.every((c, i) => c === label[i])) total += p
      return
    }
    for (let c = 0; c < f.k; c++) {
      path.push(c)
      walk(t + 1, p * prob(t, c))
      path.pop()
    }
  }
  walk(0, 1)
  return total
}

describe('the CTC log-likelihood of a text', () => {
  it('sums every path that collapses to it, as brute force does', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const f = randomFrames(6, 4, seed)
      for (const label of [[1], [1, 2], [2, 2], [1, 2, 3], [3, 1, 3], [1, 1, 1]]) {
        const expected = bruteForce(f, label)
        expect(Math.exp(ctcLogLikelihood(f, label))).toBeCloseTo(expected, 10)
      }
    }
  })

  it('is −Infinity when the line has too few frames for the text (repeats need a blank between)', () => {
    const f = randomFrames(3, 4, 5)
    expect(ctcLogLikelihood(f, [1, 2, 3, 1])).toBe(-Infinity)
    expect(ctcLogLikelihood(f, [1, 1, 1])).toBe(-Infinity)
    expect(ctcLogLikelihood(f, [1, 1])).toBeGreaterThan(-Infinity)
  })

  it('scores the empty text as the all-blank path', () => {
    const f = randomFrames(5, 3, 9)
    let p = 1
    for (let t = 0; t < 5; t++) p *= f.blank[t]
    expect(Math.exp(ctcLogLikelihood(f, []))).toBeCloseTo(p, 12)
  })

  it('stays finite on long lines, where the raw product underflows', () => {
    const f = randomFrames(4000, 3, 2)
    const label = Array.from({ length: 500 }, (_, i) => 1 + (i % 2))
    const ll = ctcLogLikelihood(f, label)
    expect(Number.isFinite(ll)).toBe(true)
    expect(ll).toBeLessThan(-1000)
  })
})
