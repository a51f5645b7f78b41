import { describe, expect, it } from 'vitest'
import { MarkSpacing, unspacedBefore } from './mark-spacing'

const reading = (text: string) => ({ text, charConfidences: [...text].map((_, i) => i / 100), confidence: 0.9 })

describe('marks written with no space before them', () => {
  it('are a convention once the reviewer took out the model’s space before one on three lines', () => {
    const marks = new MarkSpacing()
    marks.add('glanblich , dauß', 'glaublich, daß')
    marks.add('Worte , ſei', 'Worte, ſei')
    expect(marks.unspaced()).toBe('')
    marks.add('fanden , durch : reiche', 'fanden, durch : reiche')
    expect(marks.unspaced()).toBe(',')
  })

  it('are not where the reviewer writes a space before the mark, and again when that line is undone', () => {
    const marks = new MarkSpacing()
    for (const [m, t] of [['a , b', 'a, b'], ['c , d', 'c, d'], ['e , f', 'e, f']]) marks.add(m, t)
    marks.add('Paris ; Lyon', 'Paris , Lyon')
    expect(marks.unspaced()).toBe('')
    marks.add('Paris ; Lyon', 'Paris , Lyon', -1)
    expect(marks.unspaced()).toBe(',')
  })

  it('need the model’s space taken out: a mark the reviewer dropped with its space says nothing', () => {
    const marks = new MarkSpacing()
    for (let i = 0; i < 5; i++) marks.add('Haus .', 'Haus')
    expect(marks.unspaced()).toBe('')
  })

  it('come out of a reading with their spaces’ confidences, the rest as read', () => {
    const r = reading('a , b ,c ;  d ,')
    const out = unspacedBefore(r, ',')
    expect(out.text).toBe('a, b,c ;  d,')
    expect(out.charConfidences).toEqual([0, 0.02, 0.03, 0.04, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.14])
    expect(unspacedBefore(r, '')).toBe(r)
    expect(unspacedBefore(reading('a, b'), ',;')).toEqual(reading('a, b'))
  })
})
