import { describe, expect, it } from 'vitest'
import type { ContextReading } from './line-state'
import { packReadings, unpackReading } from './packed-readings'

describe('packed readings', () => {
  it('give back every reading as it was packed, and null for a line back to the model', () => {
    const readings: Array<[number, ContextReading | null]> = [
      [7, { text: 'TOTAL 80.91', confidence: 0.912345678901, charConfidences: [0.5, 0.25, 1 / 3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], examples: [3, 1] }],
      [9, null],
      [11, { text: '', confidence: 0, charConfidences: [], examples: [] }],
      // Characters outside the BMP are two UTF-16 units of text and one confidence.
      [12, { text: 'ſ𝔄ä', confidence: 0.5, charConfidences: [0.9, 0.8, 0.7], examples: [42] }],
    ]
    const { packed, transfer } = packReadings(readings)
    expect([...packed.ids]).toEqual([7, 9, 11, 12])
    expect(readings.map((_, i) => unpackReading(packed, i))).toEqual(readings.map(([, r]) => r))
    // Everything but the text moves with the reply.
    expect(transfer).toHaveLength(8)
    expect(new Set(transfer).size).toBe(8)
  })

  it('packs an empty list', () => {
    const { packed } = packReadings([])
    expect(packed.ids.length).toBe(0)
    expect(packed.text).toBe('')
  })
})
