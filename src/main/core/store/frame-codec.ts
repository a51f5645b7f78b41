import { getFloat16, setFloat16 } from '@petamoriken/float16'
import type { LineFrames } from '../recognize/frames'

// The per-line cache on disk: features and probabilities as IEEE half floats (fp16 keeps cosine
// similarities to ~1e-3, plenty for nearest-neighbour search), class indices as uint16. Little-endian.

export interface EncodedFrames {
  frames: number
  k: number
  dim: number
  features: Buffer
  topIndex: Buffer
  topProb: Buffer
  blank: Buffer
}

function toHalf(values: Float32Array): Buffer {
  const buf = Buffer.alloc(values.length * 2)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  for (let i = 0; i < values.length; i++) setFloat16(view, i * 2, values[i], true)
  return buf
}

function fromHalf(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.byteLength / 2)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  for (let i = 0; i < out.length; i++) out[i] = getFloat16(view, i * 2, true)
  return out
}

export function encodeFrames(f: LineFrames): EncodedFrames {
  const index = Buffer.alloc(f.topIndex.length * 2)
  for (let i = 0; i < f.topIndex.length; i++) index.writeUInt16LE(f.topIndex[i], i * 2)
  return {
    frames: f.frames,
    k: f.k,
    dim: f.dim,
    features: toHalf(f.features),
    topIndex: index,
    topProb: toHalf(f.topProb),
    blank: toHalf(f.blank),
  }
}

export function decodeFrames(e: EncodedFrames): LineFrames {
  const topIndex = new Uint16Array(e.topIndex.byteLength / 2)
  for (let i = 0; i < topIndex.length; i++) topIndex[i] = e.topIndex.readUInt16LE(i * 2)
  return {
    frames: e.frames,
    k: e.k,
    dim: e.dim,
    features: fromHalf(e.features),
    topIndex,
    topProb: fromHalf(e.topProb),
    blank: fromHalf(e.blank),
  }
}
