import { distance } from 'fastest-levenshtein'
import { describe, expect, it } from 'vitest'
import { seeded } from '../../../../tests/fixtures/synthetic-batch'
import { allowedEdits, Lexicon, lexiconEntries, letterSpans, SpanIndex } from './lexicon'

/** Words from a small alphabet, so many lie within an edit or two of each other. */
function words(n: number, seed: number): string[] {
  const random = seeded(seed)
  return Array.from({ length: n }, () => {
    const length = 2 + Math.floor(random() * 10)
    return Array.from({ length }, () => 'ABCDE'[Math.floor(random() * 5)]).join('')
  })
}

const near = (a: string, b: string) => distance(a.toLowerCase(), b.toLowerCase()) <= Math.min(allowedEdits(a), allowedEdits(b))

describe('the lexicon of corrected lines', () => {
  it('takes words of three letters or more and pairs of words with only white space between, never digits', () => {
    expect(lexiconEntries('TOTAL (INCLUSIVE OF GST): RM1,000.00').sort()).toEqual(['GST', 'INCLUSIVE', 'INCLUSIVE OF', 'OF GST', 'TOTAL'].sort())
    expect(lexiconEntries('12/01/2018 10:13')).toEqual([])
    expect(lexiconEntries('Ärger über Öl')).toEqual(['Ärger', 'Ärger über', 'über', 'über Öl'])
  })

  it('offers as spans each word and each two words with white space (or nothing) between', () => {
    const text = 'DESCRIPT ION, TAX'
    expect(letterSpans(text).map((s) => text.slice(s.from, s.to))).toEqual(['DESCRIPT', 'DESCRIPT ION', 'ION', 'TAX'])
  })

  it('finds exactly the entries within the allowed edits of a span, case ignored, as comparing with every entry does', () => {
    const lexicon = new Lexicon()
    const pool = words(400, 3)
    pool.forEach((w, i) => lexicon.add(i + 1, w))
    const entries = [...new Set(pool.flatMap(lexiconEntries))]
    for (const span of words(200, 4).map((w, i) => (i % 3 ? w : w.toLowerCase()))) {
      const expected = entries.filter((e) => e !== span && near(span, e)).sort()
      expect(lexicon.near(span)).toEqual(expected)
    }
  })

  it('answers as a fresh lexicon would while entries come and go between lookups (what it keeps of them)', () => {
    const lexicon = new Lexicon()
    const random = seeded(11)
    const pool = words(120, 12)
    const spans = words(80, 13).map((w, i) => (i % 4 ? w : w.toLowerCase()))
    const held = new Map<number, string>()
    for (let step = 0; step < 300; step++) {
      const id = 1 + Math.floor(random() * 60)
      if (held.has(id) && random() < 0.4) {
        lexicon.remove(id)
        held.delete(id)
      } else {
        const text = pool[Math.floor(random() * pool.length)]
        lexicon.add(id, text)
        held.set(id, text)
      }
      const entries = [...new Set([...held.values()].flatMap(lexiconEntries))]
      for (const span of spans.slice(step % 8, (step % 8) + 10)) {
        expect(lexicon.near(span)).toEqual(entries.filter((e) => e !== span && near(span, e)).sort())
      }
    }
  })

  it('leaves out a line its own entries (leave-one-out) but not what other lines share', () => {
    const lexicon = new Lexicon()
    lexicon.add(1, 'TOTAL CASH')
    lexicon.add(2, 'TOTAL')
    expect(lexicon.has('CASH', 1)).toBe(false)
    expect(lexicon.has('TOTAL', 1)).toBe(true)
    expect(lexicon.near('CASX', 1)).toEqual([])
    expect(lexicon.near('CASX', 2)).toEqual(['CASH'])
    expect(lexicon.linesWith('TOTAL')).toEqual([1, 2])
  })

  it('says which entries an undo or a new correction took out', () => {
    const lexicon = new Lexicon()
    expect(lexicon.add(1, 'TOTAL CASH').sort()).toEqual(['CASH', 'TOTAL', 'TOTAL CASH'])
    expect(lexicon.add(2, 'TOTAL')).toEqual([])
    expect(lexicon.remove(1).sort()).toEqual(['CASH', 'TOTAL CASH'])
    expect(lexicon.size).toBe(1)
    expect(lexicon.near('CASX')).toEqual([])
    expect(lexicon.remove(2)).toEqual(['TOTAL'])
    expect(lexicon.size).toBe(0)
  })
})

describe('the lines a changed entry can reach', () => {
  it('are the lines with a span near it, as checking every line finds', () => {
    const index = new SpanIndex()
    const texts = new Map<number, string>()
    const random = seeded(9)
    const pool = words(60, 5)
    const cased = (w: string) => (random() < 0.3 ? w.toLowerCase() : w)
    for (let id = 1; id <= 300; id++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 4) }, () => cased(pool[Math.floor(random() * pool.length)])).join(random() < 0.5 ? ' ' : ', ')
      texts.set(id, text)
      index.set(id, text)
    }
    // Some lines change text, some are corrected (out of the index).
    for (let id = 1; id <= 300; id += 7) {
      const text = id % 2 ? null : pool[id % pool.length]
      index.set(id, text)
      if (text === null) texts.delete(id)
      else texts.set(id, text)
    }
    for (const entry of [...words(40, 6), ...pool.slice(0, 10).map((w) => w.toLowerCase())]) {
      const expected = [...texts].filter(([, t]) => letterSpans(t).some((s) => near(t.slice(s.from, s.to), entry))).map(([id]) => id)
      expect([...index.linesNear([entry])].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b))
    }
  })
})
