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
