import { describe, expect, it } from 'vitest'
import { CaseCounts, CONVENTION_LINES, inCase } from './case-convention'

const reading = (text: string) => ({ text, charConfidences: [...text].map(() => 0.9), confidence: 0.9 })

describe('case convention', () => {
  it('is taken up once the reviewer has turned the model’s lower case to capitals on three lines', () => {
    const counts = new CaseCounts()
    counts.add('Total', 'TOTAL')
    counts.add('Cash', 'CASH')
    expect(counts.convention()).toBeNull()
    counts.add('Change', 'CHANGE')
    expect(counts.convention()).toBe('upper')
  })

  it('needs the model’s case turned: lines the model already read in capitals say nothing', () => {
    const counts = new CaseCounts()
    for (let i = 0; i < 10; i++) counts.add('TOTAL', 'TOTAL')
    counts.add('12.50', '12.50')
    expect(counts.convention()).toBeNull()
  })

  it('is given back by a line written in lower case, and again when that correction is undone', () => {
    const counts = new CaseCounts()
    for (const w of ['Total', 'Cash', 'Change']) counts.add(w, w.toUpperCase())
    counts.add('Thank you', 'Thank you')
    expect(counts.convention()).toBeNull()
    counts.add('Thank you', 'Thank you', -1)
    expect(counts.convention()).toBe('upper')
  })

  it('forgives one slip in twenty lines', () => {
    const counts = new CaseCounts()
    for (let i = 0; i < 19; i++) counts.add('Item', 'ITEM')
    counts.add('Qty', 'Qty')
    expect(counts.convention()).toBeNull()
    counts.add('Item', 'ITEM')
    expect(counts.convention()).toBe('upper')
  })

  it('takes no convention from lone letters: a form whose ticks the reviewer writes as x', () => {
    const counts = new CaseCounts()
    for (let i = 0; i < 40; i++) counts.add('X', 'x')
    counts.add('TO:', 'TO:')
    expect(counts.convention()).toBeNull()
  })

  it('works the other way for a batch written in lower case', () => {
    const counts = new CaseCounts()
    for (let i = 0; i < CONVENTION_LINES; i++) counts.add('STOP', 'stop')
    expect(counts.convention()).toBe('lower')
  })

  it('turns a reading’s letters, keeps its confidences on their characters, and leaves ß and digits alone', () => {
    const r = reading('Straße 12 kg')
    const upper = inCase(r, 'upper')
    expect(upper.text).toBe('STRAßE 12 KG')
    expect(upper.charConfidences).toEqual(r.charConfidences)
    expect(inCase(reading('TOTAL 5.00'), 'upper')).toEqual(reading('TOTAL 5.00'))
    const same = reading('RM 5.00')
    expect(inCase(same, 'upper')).toBe(same)
    expect(inCase(same, null)).toBe(same)
  })
})
