import { describe, expect, it } from 'vitest'
import { parseAlphabet } from '../recognize/alphabet'
import { BatchAlphabet } from './batch-alphabet'

// A model that writes a, e, f, s, u, ü and the space.
const model = parseAlphabet('a\ne\nf\ns\nu\nü', { spaceAtEnd: true })

describe('a batch alphabet', () => {
  it("numbers the graphemes the model cannot write after the model's classes, in the order corrections bring them", () => {
    const a = new BatchAlphabet(model)
    expect(a.learn('as')).toEqual([1, 4])
    expect(a.size).toBe(model.size)
    expect(a.learn('ſaß')).toEqual([model.size, 1, model.size + 1])
    expect(a.learn('ßſ')).toEqual([model.size + 1, model.size])
    expect(a.newClasses).toEqual(['ſ', 'ß'])
    expect(a.char(model.size + 1)).toBe('ß')
    expect(a.isNew(model.size)).toBe(true)
    expect(a.isNew(model.size - 1)).toBe(false)
  })

  it('takes a letter with a combining mark as one class, typed composed or decomposed', () => {
    const a = new BatchAlphabet(model)
    // u + combining e above has no composed form: one grapheme, one class.
    const ue = a.learn('fu\u0364e')
    expect(ue).toEqual([3, model.size, 2])
    expect(a.char(model.size)).toBe('u\u0364')
    // ü typed as u + U+0308 is the model's ü (NFC), not a class of the batch.
    expect(a.learn('u\u0308')).toEqual([6])
    expect(a.newClasses).toEqual(['u\u0364'])
  })

  it('adds no class for what is neither one grapheme nor a ligature of two letters in NFC (a pool file may name anything)', () => {
    const a = new BatchAlphabet(model)
    expect(a.add('a b')).toBe(-1)
    expect(a.add('abc')).toBe(-1)
    expect(a.add('a1')).toBe(-1)
    expect(a.add('o\u0308')).toBe(-1)
    expect(a.add('')).toBe(-1)
    expect(a.add('ö')).toBe(model.size)
    expect(a.add('ch')).toBe(model.size + 1)
    expect(a.newClasses).toEqual(['ö', 'ch'])
  })

  it('learns no white space but the space', () => {
    const a = new BatchAlphabet(model)
    expect(a.learn('a\tb')).toEqual([1, -1, model.size])
    expect(a.newClasses).toEqual(['b'])
  })
})
