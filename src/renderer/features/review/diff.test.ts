import { describe, expect, it } from 'vitest'
import { diffChars, visibleChange } from './diff'

describe('diffChars', () => {
  it('marks a case change as removed then added characters, keeping the rest', () => {
    expect(diffChars('total 12', 'TOTAL 12')).toEqual([
      { kind: 'removed', text: 'total' },
      { kind: 'added', text: 'TOTAL' },
      { kind: 'same', text: ' 12' },
    ])
  })

  it('gives one unchanged part for equal texts and rebuilds both sides in every case', () => {
    expect(diffChars('abc', 'abc')).toEqual([{ kind: 'same', text: 'abc' }])
    const parts = diffChars('Invoice 4711', 'lnvoice 47l1 EUR')
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('Invoice 4711')
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('lnvoice 47l1 EUR')
  })

  it('changes a letter with its combining mark whole, and sees no change between composed and decomposed forms', () => {
    expect(diffChars('fur', 'fu\u0364r')).toEqual([
      { kind: 'same', text: 'f' },
      { kind: 'removed', text: 'u' },
      { kind: 'added', text: 'u\u0364' },
      { kind: 'same', text: 'r' },
    ])
    expect(diffChars('scho\u0308n', 'schön')).toEqual([{ kind: 'same', text: 'schön' }])
  })

  it('shows an inserted or dropped space', () => {
    expect(diffChars('1X', '1 X')).toEqual([
      { kind: 'same', text: '1' },
      { kind: 'added', text: ' ' },
      { kind: 'same', text: 'X' },
    ])
    expect(visibleChange(' ')).toBe('\u2423')
    expect(visibleChange('a b')).toBe('a\u2423b')
  })
})
