import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor, hintAfter } from '../../../../tests/fixtures/synthetic-frames'
import { forceAlign } from './align'
import { BatchAlphabet } from './batch-alphabet'
import { ligatureLabels } from './ligatures'

function taught(read: string, after: number, extra: string, written: string) {
  const alphabet = new BatchAlphabet(asciiAlphabet)
  const f = framesFor(read)
  hintAfter(f, after, extra)
  const alignment = forceAlign(f, alphabet.learn(written))!
  return { alphabet, labels: [...ligatureLabels(f, alignment, alphabet)].map((c) => (c ? alphabet.char(c) : '')) }
}

describe('ligatureLabels', () => {
  it('teaches a letter the model gave no frame together with the letter whose peak it shares', () => {
    // "ich" read "id" (frames i i _ d d _): "c" aligns to a "d" frame, the "h" to the blank frame after. The
    // "c"'s frame teaches "ch"; the blank frame nothing.
    const { alphabet, labels } = taught('id', 1, 'h', 'ich')
    expect(alphabet.newClasses).toEqual(['ch'])
    expect(labels).toEqual(['i', 'i', '', 'ch', '', ''])
  })

  it('leaves digits apart: an amount never learns to grow a digit', () => {
    const { alphabet, labels } = taught('1.0', 2, '0', '1.00')
    expect(alphabet.newClasses).toEqual([])
    expect(labels.filter(Boolean).join('')).toContain('00')
  })

  it('joins small letters only: capitals are two glyphs, and a text in capitals is the reviewer’s convention', () => {
    const { alphabet, labels } = taught('ID', 1, 'H', 'ICH')
    expect(alphabet.newClasses).toEqual([])
    expect(labels.filter(Boolean)).toEqual(['I', 'I', 'C', 'H'])
  })

  it('leaves a correction the model read letter by letter as it was aligned', () => {
    const { alphabet, labels } = taught('ich', 2, 'e', 'ich')
    expect(alphabet.newClasses).toEqual([])
    expect(labels.filter(Boolean)).toEqual(['i', 'i', 'c', 'c', 'h', 'h'])
  })
})
