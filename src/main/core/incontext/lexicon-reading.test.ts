import { describe, expect, it } from 'vitest'
import { asciiAlphabet, framesFor } from '../../../../tests/fixtures/synthetic-frames'
import { decodeSegments, joinSegments } from '../recognize/ctc'
import { Lexicon } from './lexicon'
import { readWithLexicon } from './lexicon-reading'

function lexiconOf(...texts: string[]): Lexicon {
  const lexicon = new Lexicon()
  texts.forEach((t, i) => lexicon.add(i + 1, t))
  return lexicon
}

function read(frames: ReturnType<typeof framesFor>, lexicon: Lexicon, bias: number, without?: number) {
  const segments = decodeSegments(frames, asciiAlphabet)
  const model = joinSegments(segments, asciiAlphabet)
  return { model, ...readWithLexicon({ frames, reading: model, segments }, lexicon, asciiAlphabet, bias, { without }) }
}

describe('reading with the batch vocabulary', () => {
  it('puts a pool word in place of a doubtful misreading', () => {
    // The model reads "JOTAL" but gives the T 40 %.
    const frames = framesFor('JOTAL 12.50', { doubts: [{ at: 0, alternative: 'T', p: 0.4 }] })
    const { model, reading, candidates } = read(frames, lexiconOf('TOTAL 3.00'), 4)
    expect(model.text).toBe('JOTAL 12.50')
    expect(reading?.text).toBe('TOTAL 12.50')
    expect(reading?.entries).toEqual(['TOTAL'])
    expect(candidates).toBe(1)
    // The new characters are less sure than the model's own; the others keep their confidence.
    expect(reading!.charConfidences.slice(0, 5).every((c) => c < 0.99 && c > 0.5)).toBe(true)
    expect(reading!.charConfidences.slice(5)).toEqual(model.charConfidences.slice(5))
  })

  it('leaves a confident reading alone, however close a pool word is', () => {
    const frames = framesFor('SWEET CORN', { doubts: [{ at: 1, alternative: 'H', p: 0.001 }] })
    const { reading, candidates } = read(frames, lexiconOf('SHEET'), 4)
    expect(candidates).toBe(1)
    expect(reading).toBeNull()
  })

  it('puts back a space the model doubted where the pool has the two words', () => {
    const frames = framesFor('TAXINVOICE', { gaps: [{ after: 2, space: 0.3 }] })
    const { model, reading } = read(frames, lexiconOf('TAX INVOICE'), 4)
    expect(model.text).toBe('TAXINVOICE')
    expect(reading?.text).toBe('TAX INVOICE')
  })

  it('never touches digits or punctuation, and leaves words already in the pool', () => {
    const frames = framesFor('CASH 1O.5O', { doubts: [{ at: 6, alternative: '0', p: 0.45 }] })
    const { reading, candidates } = read(frames, lexiconOf('CASH 10.50', 'CASX'), 4)
    expect(candidates).toBe(0)
    expect(reading).toBeNull()
  })

  it('does nothing without a bias, and leaves a corrected line its own words in leave-one-out', () => {
    const frames = framesFor('JOTAL', { doubts: [{ at: 0, alternative: 'T', p: 0.4 }] })
    expect(read(frames, lexiconOf('TOTAL'), 0).reading).toBeNull()
    // Line 1 holds the only "TOTAL": without it there is nothing to replace with.
    expect(read(frames, lexiconOf('TOTAL'), 4, 1).reading).toBeNull()
    expect(read(frames, lexiconOf('TOTAL', 'TOTAL'), 4, 1).reading?.text).toBe('TOTAL')
  })

  it('replaces more than one word of a line', () => {
    const frames = framesFor('JOTAL CASX', { doubts: [{ at: 0, alternative: 'T', p: 0.4 }, { at: 9, alternative: 'H', p: 0.3 }] })
    expect(read(frames, lexiconOf('TOTAL', 'CASH'), 4).reading?.text).toBe('TOTAL CASH')
  })

  it('decides on the segments that hold a span as it would on the whole line', () => {
    const lexicon = lexiconOf('TOTAL CASH', 'SHEET', 'RECEIPT')
    const lines = [
      framesFor('JOTAL CASX 12', { doubts: [{ at: 0, alternative: 'T', p: 0.3 }, { at: 9, alternative: 'H', p: 0.2 }] }),
      framesFor('SWEET RECEIPI', { doubts: [{ at: 1, alternative: 'H', p: 0.01 }, { at: 12, alternative: 'T', p: 0.05 }] }),
      framesFor('RECEIPT JOTAL', { doubts: [{ at: 8, alternative: 'T', p: 0.02 }] }),
    ]
    for (const frames of lines) {
      const segments = decodeSegments(frames, asciiAlphabet)
      expect(segments.from.length).toBeGreaterThan(3)
      const model = joinSegments(segments, asciiAlphabet)
      for (const bias of [1, 2, 4]) {
        const bySegment = readWithLexicon({ frames, reading: model, segments }, lexicon, asciiAlphabet, bias)
        const whole = readWithLexicon({ frames, reading: model, segments: null }, lexicon, asciiAlphabet, bias)
        expect(bySegment.reading?.text ?? null).toBe(whole.reading?.text ?? null)
        expect(bySegment.candidates).toBe(whole.candidates)
      }
    }
  })
})
