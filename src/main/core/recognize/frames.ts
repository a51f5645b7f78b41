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

/** Cuts a line's own frames out of a batch output and keeps the top-k of each. */
export function extractFrames(
  probs: Float32Array,
  probOffset: number,
  classes: number,
  features: Float32Array,
  featureOffset: number,
  dim: number,
  frames: number,
  k = TOP_K,
): LineFrames {
  const topIndex = new Uint16Array(frames * k)
  const topProb = new Float32Array(frames * k)
  const blank = new Float32Array(frames)
  const feats = new Float32Array(frames * dim)
  for (let t = 0; t < frames; t++) {
    const row = probOffset + t * classes
    blank[t] = probs[row]
    topK(probs, row, classes, k, topIndex, topProb, t * k)
    let norm = 0
    const src = featureOffset + t * dim
    for (let d = 0; d < dim; d++) norm += features[src + d] * features[src + d]
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) feats[t * dim + d] = features[src + d] * scale
  }
  return { frames, k, topIndex, topProb, blank, dim, features: feats }
}

// Insertion into a small sorted list; nearly every class fails the first comparison, so this is one pass.
function topK(p: Float32Array, row: number, classes: number, k: number, idx: Uint16Array, prob: Float32Array, at: number) {
  let filled = 0
  let floor = -1
  for (let c = 0; c < classes; c++) {
    const v = p[row + c]
    if (filled === k && v <= floor) continue
    let i = filled < k ? filled++ : k - 1
    while (i > 0 && prob[at + i - 1] < v) {
      prob[at + i] = prob[at + i - 1]
      idx[at + i] = idx[at + i - 1]
      i--
    }
    prob[at + i] = v
    idx[at + i] = c
    floor = prob[at + filled - 1]
  }
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
