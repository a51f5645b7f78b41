import type { LineFrames } from '../recognize/frames'
import { classProb, floorProb } from './align'

/**
 * Per class: 1 + its first position in the label being scored (0: none); all 0 between calls. Kept from
 * call to call by its owner (a lexicon reading scores thousands of short windows per correction).
 */
export class ScoreScratch {
  first = new Int32Array(0)
}

/**
 * log p(label | frames) under CTC: the forward algorithm over every path that collapses to the label,
 * on the line's cached top-k rows (a class outside a frame's top-k gets the same floor forced alignment
 * uses). Where the beam search finds the most probable text, this scores a given one, so two readings of
 * a line can be compared on the model's own evidence. −Infinity when the line has too few frames.
 */
export function ctcLogLikelihood(f: LineFrames, label: ArrayLike<number>, scratch = new ScoreScratch()): number {
  const n = label.length
  const T = f.frames
  const S = 2 * n + 1
  if (T === 0) return n === 0 ? 0 : -Infinity
  // Each label position's emission per frame is read from the frame's top-k once (k lookups a frame, not
  // k per state): the positions of each class, as lists threaded through `next` from `first[class]`.
  let top = 0
  for (let u = 0; u < n; u++) top = Math.max(top, label[u])
  if (scratch.first.length <= top) scratch.first = new Int32Array(Math.max(top + 1, 2 * scratch.first.length))
  const first = scratch.first
  const next = new Int32Array(n)
  for (let u = n - 1; u >= 0; u--) (next[u] = first[label[u]]), (first[label[u]] = u + 1)
  const emit = new Float64Array(n)
  const emissions = (t: number) => {
    emit.fill(floorProb(f, t))
    for (let j = t * f.k; j < (t + 1) * f.k; j++) {
      const c = f.topIndex[j]
      if (c > top) continue
      for (let at = first[c]; at; at = next[at - 1]) emit[at - 1] = Math.max(f.topProb[j], 1e-12)
    }
  }
  let prev = new Float64Array(S)
  let cur = new Float64Array(S)
  prev[0] = classProb(f, 0, 0)
  if (n > 0) {
    emissions(0)
    prev[1] = emit[0]
  }
  // Each frame's probabilities are rescaled to sum to 1 and the scales summed in log: long lines would
  // otherwise underflow.
  let logScale = 0
  let end = -1
  for (let t = 0; ; t++) {
    let norm = 0
    for (let s = 0; s < S; s++) norm += prev[s]
    if (norm === 0) break
    for (let s = 0; s < S; s++) prev[s] /= norm
    logScale += Math.log(norm)
    if (t === T - 1) {
      end = prev[S - 1] + (S > 1 ? prev[S - 2] : 0)
      break
    }
    const blank = classProb(f, t + 1, 0)
    if (n > 0) emissions(t + 1)
    // A state needs enough frames left to emit the rest of the label; the ones that cannot finish are
    // simply never summed at the end, so no pruning is needed for exactness.
    for (let s = 0; s < S; s++) {
      let a = prev[s]
      if (s >= 1) a += prev[s - 1]
      const char = s & 1
      if (char && s >= 3 && label[s >> 1] !== label[(s >> 1) - 1]) a += prev[s - 2]
      cur[s] = a === 0 ? 0 : a * (char ? emit[s >> 1] : blank)
    }
    ;[prev, cur] = [cur, prev]
  }
  for (let u = 0; u < n; u++) first[label[u]] = 0
  return end > 0 ? logScale + Math.log(end) : -Infinity
}
