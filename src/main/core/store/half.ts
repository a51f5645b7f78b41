// IEEE 754 half-precision conversion for the frame cache. Written here rather than taken from a polyfill:
// the polyfill's per-value DataView calls cost ~2 ms per line (measured), more than a tenth of the
// model's own time per line; these bit operations cost ~0.03 ms.

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** float32 → float16 bits, rounding to nearest even; overflow to ±Infinity, NaN kept. */
export function toHalfBits(value: number): number {
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rounded = mant + half - 1 + ((mant >>> shift) & 1)
    return sign | (rounded >>> shift)
  }
  const rounded = mant + 0xfff + ((mant >>> 13) & 1)
  if (rounded & 0x800000) return e + 1 >= 0x1f ? sign | 0x7c00 : sign | ((e + 1) << 10)
  return sign | (e << 10) | (rounded >>> 13)
}

const table = new Float32Array(65536)
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  table[h] =
    exp === 0 ? sign * mant * 2 ** -24 : exp === 0x1f ? (mant ? NaN : sign * Infinity) : sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

export function fromHalfBits(bits: number): number {
  return table[bits & 0xffff]
}

/** Little-endian fp16 bytes of every value. */
export function encodeHalf(values: Float32Array): Buffer {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i])
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}

export function decodeHalf(buf: Uint8Array, out: Float32Array = new Float32Array(buf.byteLength >> 1)): Float32Array {
  const n = buf.byteLength >> 1
  for (let i = 0; i < n; i++) out[i] = table[buf[2 * i] | (buf[2 * i + 1] << 8)]
  return out
}

/** The fp16 bits of little-endian fp16 bytes, copied (a blob's bytes need not be 2-aligned). */
export function halfBits(buf: Uint8Array): Uint16Array {
  const out = new Uint16Array(buf.byteLength >> 1)
  new Uint8Array(out.buffer).set(buf.subarray(0, out.byteLength))
  return out
}
