import { describe, expect, it } from 'vitest'
import { TOP_K, type LineFrames } from '../recognize/frames'
import { alignable, collapse, forceAlign, MAX_CELLS } from './align'

/** Frames whose top-1 follows `path` (0 = blank) with probability 0.9, the rest spread over the top-k. */
function framesFor(path: number[], k = TOP_K): LineFrames {
  const T = path.length
  const topIndex = new Uint16Array(T * k)
  const topProb = new Float32Array(T * k)
  const blank = new Float32Array(T)
  path.forEach((c, t) => {
    const others = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].filter((x) => x !== c).slice(0, k - 1)
    const classes = [c, ...others]
    classes.forEach((cls, j) => {
      topIndex[t * k + j] = cls
      topProb[t * k + j] = j === 0 ? 0.9 : 0.1 / (k - 1)
    })
    blank[t] = c === 0 ? 0.9 : 0.1 / (k - 1)
  })
  return { frames: T, k, topIndex, topProb, blank, dim: 0, features: new Float32Array() }
}

describe('forceAlign', () => {
  it('follows the model where it agrees with the label and collapses back to the label', () => {
    const f = framesFor([0, 5, 5, 0, 7, 0, 0, 9, 0])
    const a = forceAlign(f, [5, 7, 9])!
    expect([...a.labels]).toEqual([0, 5, 5, 0, 7, 0, 0, 9, 0])
    expect([...a.position]).toEqual([-1, 0, 0, -1, 1, -1, -1, 2, -1])
    expect(collapse(a.labels)).toEqual([5, 7, 9])
  })

  it('keeps a blank between repeated characters so "ll" stays two letters', () => {
    const f = framesFor([0, 4, 4, 4, 4, 0])
    const a = forceAlign(f, [4, 4])!
    expect(collapse(a.labels)).toEqual([4, 4])
    expect(a.labels).toContain(0)
  })

  it('aligns a space and a character the model never ranked in any frame', () => {
    const space = 6624
    const outside = 3000 // in the alphabet, never in the cached top-k
    const f = framesFor([0, 5, 0, 0, 0, 7, 0, 0, 9, 0])
    const label = [5, space, 7, outside, 9]
    const a = forceAlign(f, label)!
    expect(collapse(a.labels)).toEqual(label)
  })

  it('returns null instead of failing when the line has too few frames for the label', () => {
    expect(forceAlign(framesFor([0, 5, 0]), [5, 6, 7, 8])).toBeNull()
    expect(forceAlign(framesFor([4, 4]), [4, 4, 4])).toBeNull()
    expect(forceAlign(framesFor([0, 5]), [])).toBeNull()
  })

  it('aligns a label exactly as long as the line', () => {
    const a = forceAlign(framesFor([1, 2, 3]), [1, 2, 3])!
    expect([...a.labels]).toEqual([1, 2, 3])
  })

  it('declines a lattice too large to align (a 10,000-character text on a very long line) instead of allocating it', () => {
    const label = Array.from({ length: 10_000 }, (_, i) => 1 + (i % 7))
    const f = framesFor(Array.from({ length: 12_500 }, (_, t) => (t % 5 === 0 ? 0 : 1 + (t % 7))))
    expect(f.frames * (2 * label.length + 1)).toBeGreaterThan(MAX_CELLS)
    expect(forceAlign(f, label)).toBeNull()
    // Just under the cap it still aligns.
    const short = label.slice(0, Math.floor((MAX_CELLS / f.frames - 1) / 2))
    expect(collapse(forceAlign(f, short)!.labels)).toEqual(short)
  })
})

describe('forceAlign with classes the model cannot write', () => {
  it("gives a new class the frames the model reads as another character, and the text's known characters theirs", () => {
    // The model reads "fa" (3 then 1); the text is "ſa" with ſ a new class (20).
    const f = framesFor([0, 3, 3, 0, 1, 1, 0])
    const a = forceAlign(f, [20, 1], 20)!
    expect([...a.labels]).toEqual([0, 20, 20, 0, 1, 1, 0])
  })

  it('leaves a frame the next known character is read on to that character', () => {
    // "ſ" then "a" with no blank between: the wildcard must not take the a's frames.
    const f = framesFor([3, 3, 1, 1])
    expect([...forceAlign(f, [20, 1], 20)!.labels]).toEqual([20, 20, 1, 1])
  })
})

describe('alignable', () => {
  it('takes corrections of a few characters, of case and of spacing, whatever the line’s length', () => {
    expect(alignable('T', '1')).toBe(true)
    expect(alignable('#', '*1')).toBe(true)
    expect(alignable('Total Amount', 'TOTAL AMOUNT')).toBe(true)
    expect(alignable('opograkiie', 'T o p o g r a p h i ſ ch e')).toBe(true)
    expect(alignable('Curent Marboro Lights', 'Current Marlboro Lights')).toBe(true)
  })

  it('leaves out a correction that rewrites most of what the frames show', () => {
    expect(alignable('b', 'file')).toBe(false)
    expect(alignable('REAA', 'ARE CREATING EYE CATCHING CONSUMER AND AWARENESS')).toBe(false)
    expect(alignable('', 'MENT')).toBe(false)
  })
})
