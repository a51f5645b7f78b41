import { decodeHalf as fromHalf, encodeHalf as toHalf } from './half'
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

export function encodeFrames(f: LineFrames): EncodedFrames {
  // Class indices as uint16, little-endian (every platform Lector runs on is little-endian).
  const index = Buffer.from(f.topIndex.buffer, f.topIndex.byteOffset, f.topIndex.byteLength)
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

/** Where decoded arrays are allocated (a Slab, for arrays kept as long as their batch). */
export interface FrameArrays {
  uint16(n: number): Uint16Array
  float32(n: number): Float32Array
}

const ownArrays: FrameArrays = { uint16: (n) => new Uint16Array(n), float32: (n) => new Float32Array(n) }

export function decodeFrames(e: EncodedFrames, arrays: FrameArrays = ownArrays): LineFrames {
  const topIndex = arrays.uint16(e.topIndex.byteLength / 2)
  for (let i = 0; i < topIndex.length; i++) topIndex[i] = e.topIndex[2 * i] | (e.topIndex[2 * i + 1] << 8)
  return {
    frames: e.frames,
    k: e.k,
    dim: e.dim,
    features: fromHalf(e.features, arrays.float32(e.features.byteLength >> 1)),
    topIndex,
    topProb: fromHalf(e.topProb, arrays.float32(e.topProb.byteLength >> 1)),
    blank: fromHalf(e.blank, arrays.float32(e.blank.byteLength >> 1)),
  }
}
