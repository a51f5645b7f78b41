import { describe, expect, it } from 'vitest'
import { decodeFrames, encodeFrames } from './frame-codec'

describe('frame cache codec', () => {
  it('round-trips a line: indices exactly, probabilities and features to half precision', () => {
    const frames = 3
    const k = 4
    const dim = 5
    const f = {
      frames,
      k,
      dim,
      topIndex: Uint16Array.from({ length: frames * k }, (_, i) => (i * 977) % 6625),
      topProb: Float32Array.from({ length: frames * k }, (_, i) => 1 / (i + 2)),
      blank: Float32Array.from([0.99, 0.5, 1e-4]),
      features: Float32Array.from({ length: frames * dim }, (_, i) => Math.cos(i) / 3),
    }
    const e = encodeFrames(f)
    expect(e.features.byteLength).toBe(frames * dim * 2)
    const back = decodeFrames({ ...e, topIndex: Buffer.from(e.topIndex), features: Buffer.from(e.features) })
    expect([...back.topIndex]).toEqual([...f.topIndex])
    back.topProb.forEach((v, i) => expect(v).toBeCloseTo(f.topProb[i], 3))
    back.blank.forEach((v, i) => expect(v).toBeCloseTo(f.blank[i], 3))
    back.features.forEach((v, i) => expect(v).toBeCloseTo(f.features[i], 3))
  })
})
