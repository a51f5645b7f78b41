import { describe, expect, it } from 'vitest'
import type { Decoded } from '../recognize/ctc'
import { coherentCase } from './word-case'

const read = (text: string, conf = 0.9): Decoded => ({ text, charConfidences: [...text].map(() => conf), confidence: conf })

describe('making the case of words context changed whole', () => {
  it('gives a word the case most of its letters have, never a hybrid', () => {
    expect(coherentCase(read('TOTAl SALES'), read('Total Sales')).text).toBe('TOTAL SALES')
    expect(coherentCase(read('EXClUDING GST'), read('Excluding GST')).text).toBe('EXCLUDING GST')
    expect(coherentCase(read('tOtal'), read('Total')).text).toBe('total')
  })

  it('breaks a tie toward the case context moved letters to', () => {
    expect(coherentCase(read('bE'), read('be')).text).toBe('BE')
  })

  it('leaves words in upper, lower or title case, and words the model read so', () => {
    const reading = read('TOTAL Sales tax McDonald')
    expect(coherentCase(reading, read('TOTAL Sales tax McDonald'))).toBe(reading)
    expect(coherentCase(read('iPhone'), read('iPhone')).text).toBe('iPhone')
  })

  it("gives a letter it changed the confidence of the word's weakest letter", () => {
    const reading: Decoded = { text: 'TOTAl', charConfidences: [0.9, 0.8, 0.95, 0.7, 0.99], confidence: 0.868 }
    const whole = coherentCase(reading, read('Total'))
    expect(whole.charConfidences).toEqual([0.9, 0.8, 0.95, 0.7, 0.7])
    expect(whole.confidence).toBeCloseTo((0.9 + 0.8 + 0.95 + 0.7 + 0.7) / 5)
  })
})
