import { getFloat16, setFloat16 } from '@petamoriken/float16'
import { describe, expect, it } from 'vitest'
import { decodeHalf, encodeHalf, fromHalfBits, toHalfBits } from './half'

describe('half-precision conversion', () => {
  it('agrees bit for bit with a reference implementation on normal, subnormal, rounding and special values', () => {
    const view = new DataView(new ArrayBuffer(2))
    const values = [0, -0, 1, -1, 0.1, 1 / 3, 65504, 65520, 1e6, -1e6, 6.1e-5, 5.96e-8, 2.98e-8, 1e-9, 0.99951171875, Infinity, -Infinity]
    for (let i = 0; i < 20000; i++) values.push((Math.random() - 0.5) * 2 ** (Math.random() * 40 - 28))
    for (const v of values) {
      // The cache holds float32 values: compare on those (converting the float64 would round twice).
      setFloat16(view, 0, Math.fround(v), true)
      expect(toHalfBits(v), `value ${v}`).toBe(view.getUint16(0, true))
      expect(fromHalfBits(view.getUint16(0, true))).toBe(getFloat16(view, 0, true))
    }
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true)
  })

  it('round-trips arrays within half precision', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.3)
    const back = decodeHalf(encodeHalf(values))
    back.forEach((v, i) => expect(v).toBeCloseTo(values[i], 3))
  })
})
