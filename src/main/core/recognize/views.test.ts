import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderLine } from '../../../../tests/fixtures/render-lines'
import type { LineFrames } from './frames'
import { loadRecognizer, type Recognizer } from './recognizer'
import { averaged, hardest } from './views'

let withViews: Recognizer
let without: Recognizer

beforeAll(async () => {
  ;[withViews, without] = await Promise.all([loadRecognizer({ providers: ['cpu'], views: true }), loadRecognizer({ providers: ['cpu'], views: false })])
})
afterAll(async () => {
  await Promise.all([withViews?.release(), without?.release()])
})

/** Two frames of k = 2 classes each. */
const frames = (topIndex: number[], topProb: number[], blank: number[]): LineFrames => ({
  frames: 2,
  k: 2,
  dim: 1,
  topIndex: Uint16Array.from(topIndex),
  topProb: Float32Array.from(topProb),
  blank: Float32Array.from(blank),
  features: Float32Array.from([1, 1]),
})

describe('test-time views', () => {
  it('leave a line the blurred view reads the same exactly as the model read it', async () => {
    // Read one at a time, each line is its chunk's hardest and gets the second look.
    for (const text of ['TOTAL RM 12.50', 'Thank you! Please come again.', 'QTY 2 x 3.90']) {
      const image = await renderLine(text)
      const [a] = await withViews.read([image])
      const [b] = await without.read([image])
      expect(a.ok && b.ok).toBe(true)
      if (!a.ok || !b.ok) continue
      expect(a.reading.text).toBe(text)
      expect(a.reading.charConfidences).toEqual(b.reading.charConfidences)
      expect(Array.from(a.reading.cache.topProb)).toEqual(Array.from(b.reading.cache.topProb))
      expect(Array.from(a.reading.cache.topIndex)).toEqual(Array.from(b.reading.cache.topIndex))
    }
  })

  it("average two readings' posteriors frame by frame, a class one reading lacks counting 0 there", () => {
    const a = frames([5, 0, 7, 0], [0.6, 0.4, 0.9, 0.1], [0.4, 0.1])
    const b = frames([6, 0, 7, 0], [0.7, 0.3, 0.8, 0.2], [0.3, 0.2])
    const m = averaged(a, b)
    // Frame 1: class 0 has (0.4 + 0.3) / 2, class 6 0.7 / 2 (a tie, the lower class first), class 5 only 0.3.
    expect(Array.from(m.topIndex)).toEqual([0, 6, 7, 0])
    expect(Array.from(m.topProb).map((p) => Math.round(p * 1000) / 1000)).toEqual([0.35, 0.35, 0.85, 0.15])
    expect(Array.from(m.blank).map((p) => Math.round(p * 1000) / 1000)).toEqual([0.35, 0.15])
    expect(m.features).toBe(a.features)
  })

  it("choose the fifth of a chunk the self-judgement finds most probably wrong", () => {
    const reading = (text: string, p: number) => ({ text, confidence: p, charConfidences: Array.from(text, () => p), greedy: { text, confidence: p, charConfidences: [] } })
    const chunk = Array.from({ length: 10 }, (_, i) => reading(`TOTAL ${i}`, 0.99 - i * 0.01))
    chunk[3] = reading('T0TAl 3', 0.41)
    chunk[8] = reading('T0TAl 8', 0.52)
    expect(hardest([...chunk, null])).toEqual([3, 8])
  })
})
