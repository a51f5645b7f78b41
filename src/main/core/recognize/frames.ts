/**
 * What the engine keeps of one line's model output, frame by frame: the K most probable classes (blank
 * included) and the L2-normalised visual features. Every decoder reads only this, so a line is decoded
 * again — greedy, beam, or in context — without going through the model twice.
 */
export interface LineFrames {
  frames: number
  k: number
  /** frames × k class indices, most probable first. */
  topIndex: Uint16Array
  /** frames × k probabilities matching topIndex. */
  topProb: Float32Array
  /** The blank's probability per frame (also in the top-k when it ranks there). */
  blank: Float32Array
  dim: number
  /** frames × dim, each frame L2-normalised (cosine similarity is then a dot product). */
  features: Float32Array
}

export const TOP_K = 16

/** The session's per-frame outputs for a whole batch: [B, steps, k] top-k, [B, steps] blank, [B, steps, dim]. */
export interface BatchOutputs {
  values: Float32Array
  indices: BigInt64Array
  blank: Float32Array
  features: Float32Array
}

/** Cuts line `b`'s own frames out of a batch's outputs, normalising each frame's features. */
export function extractFrames(
  out: BatchOutputs,
  shape: { steps: number; k: number; dim: number },
  b: number,
  frames: number,
): LineFrames {
  const { steps, k, dim } = shape
  const topIndex = new Uint16Array(frames * k)
  const topProb = out.values.slice(b * steps * k, (b * steps + frames) * k)
  const blank = out.blank.slice(b * steps, b * steps + frames)
  const features = new Float32Array(frames * dim)
  const i0 = b * steps * k
  for (let i = 0; i < frames * k; i++) topIndex[i] = Number(out.indices[i0 + i])
  for (let t = 0; t < frames; t++) {
    const src = (b * steps + t) * dim
    let norm = 0
    for (let d = 0; d < dim; d++) norm += out.features[src + d] * out.features[src + d]
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) features[t * dim + d] = out.features[src + d] * scale
  }
  return { frames, k, topIndex, topProb, blank, dim, features }
}

/** Joins frames of consecutive windows of one long line. */
export function concatFrames(parts: LineFrames[]): LineFrames {
  if (parts.length === 1) return parts[0]
  const { k, dim } = parts[0]
  const frames = parts.reduce((n, p) => n + p.frames, 0)
  const out: LineFrames = {
    frames,
    k,
    dim,
    topIndex: new Uint16Array(frames * k),
    topProb: new Float32Array(frames * k),
    blank: new Float32Array(frames),
    features: new Float32Array(frames * dim),
  }
  let t = 0
  for (const p of parts) {
    out.topIndex.set(p.topIndex, t * k)
    out.topProb.set(p.topProb, t * k)
    out.blank.set(p.blank, t)
    out.features.set(p.features, t * dim)
    t += p.frames
  }
  return out
}

/** A window of frames [from, to) of a line. */
export function sliceFrames(f: LineFrames, from: number, to: number): LineFrames {
  return {
    frames: to - from,
    k: f.k,
    dim: f.dim,
    topIndex: f.topIndex.slice(from * f.k, to * f.k),
    topProb: f.topProb.slice(from * f.k, to * f.k),
    blank: f.blank.slice(from, to),
    features: f.features.slice(from * f.dim, to * f.dim),
  }
}

/**
 * Scales one class's probability by `factor` in every frame, renormalising the frame (its other classes and
 * its blank) and keeping the top-k most probable first. Changes `f` in place and returns it. A frame whose
 * top-k lacks the class is left as it is: the class is then below the k-th probability (TOP_K of 6,625), and
 * a small factor cannot make it matter.
 */
export function scaleClass(f: LineFrames, cls: number, factor: number): LineFrames {
  if (factor === 1) return f
  const { k } = f
  for (let t = 0; t < f.frames; t++) {
    const base = t * k
    let j = 0
    while (j < k && f.topIndex[base + j] !== cls) j++
    if (j === k) continue
    const p = f.topProb[base + j]
    const z = 1 + (factor - 1) * p
    for (let i = base; i < base + k; i++) f.topProb[i] /= z
    f.blank[t] /= z
    const scaled = (factor * p) / z
    // Move the class up (or down) to its place in the descending order.
    while (j > 0 && f.topProb[base + j - 1] < scaled) {
      f.topProb[base + j] = f.topProb[base + j - 1]
      f.topIndex[base + j] = f.topIndex[base + j - 1]
      j--
    }
    while (j < k - 1 && f.topProb[base + j + 1] > scaled) {
      f.topProb[base + j] = f.topProb[base + j + 1]
      f.topIndex[base + j] = f.topIndex[base + j + 1]
      j++
    }
    f.topProb[base + j] = scaled
    f.topIndex[base + j] = cls
  }
  return f
}
