import type { LineFrames } from '../recognize/frames'
import type { FramePool } from './pool'
import type { ContextSettings } from './settings'

/** A frame's nearest pool entries: `count` (≤ k) similarities and entry ids, best first. */
export interface FrameNeighbours {
  sims: Float32Array
  ids: Int32Array
  count: number
}

export interface Fused {
  frames: LineFrames
  /** Pool entries whose vote moved a frame's best character away from the model's. */
  deciding: number[]
}

/**
 * Fuses the model's posteriors with the neighbours' vote on each queried frame:
 *   p(c) = (1 − λ_f) · p_model(c) + λ_f · p_knn(c), over the frame's character mass (blank untouched),
 * where λ_f = trust · closeness · agreement: the batch's calibrated trust in context, how close the
 * nearest stored frame is (full weight under `nearDistance`, none past `farDistance`), and how much
 * the neighbours agree with each other. A confident model is only overruled by close, unanimous
 * neighbours; a far or split vote leaves the model's reading alone.
 */
export function fuseLine(
  f: LineFrames,
  queried: Int32Array,
  neighbours: FrameNeighbours[],
  pool: FramePool,
  trust: number,
  s: ContextSettings,
): Fused {
  const topIndex = f.topIndex.slice()
  const topProb = f.topProb.slice()
  const deciding: number[] = []
  if (trust <= 0) return { frames: { ...f, topIndex, topProb }, deciding }
  const vote = new Map<number, number>()
  queried.forEach((t, q) => {
    const n = neighbours[q]
    if (!n || n.count === 0) return
    const nearest = 1 - n.sims[0]
    const closeness = Math.min(1, Math.max(0, (s.farDistance - nearest) / (s.farDistance - s.nearDistance)))
    if (closeness <= 0) return
    vote.clear()
    let total = 0
    for (let i = 0; i < n.count; i++) {
      const w = Math.exp(-(1 - n.sims[i]) / s.temperature)
      const label = pool.label(n.ids[i])
      vote.set(label, (vote.get(label) ?? 0) + w)
      total += w
    }
    if (total <= 0) return
    let agreement = 0
    let knnBest = -1
    for (const [label, w] of vote) {
      if (w / total > agreement) (agreement = w / total), (knnBest = label)
    }
    const lambda = trust * closeness * agreement
    // The model's distribution over characters, from the cached top-k (blank excluded).
    const base = t * f.k
    const mass = Math.max(1e-6, 1 - f.blank[t])
    const fused = new Map<number, number>()
    let modelBest = -1
    let modelBestP = -1
    for (let j = 0; j < f.k; j++) {
      const c = f.topIndex[base + j]
      if (c === 0) continue
      const p = f.topProb[base + j] / mass
      fused.set(c, (1 - lambda) * p)
      if (p > modelBestP) (modelBestP = p), (modelBest = c)
    }
    for (const [label, w] of vote) fused.set(label, (fused.get(label) ?? 0) + (lambda * w) / total)
    // Back into a top-k row: blank keeps its probability, characters share the rest.
    const ranked = [...fused].sort((a, b) => b[1] - a[1])
    const row: Array<[number, number]> = [[0, f.blank[t]]]
    for (const [c, p] of ranked) row.push([c, p * mass])
    row.sort((a, b) => b[1] - a[1])
    for (let j = 0; j < f.k; j++) {
      const [c, p] = row[j] ?? [0, 0]
      topIndex[base + j] = c
      topProb[base + j] = p
    }
    if (ranked[0] && ranked[0][0] !== modelBest && ranked[0][0] === knnBest) {
      for (let i = 0; i < n.count; i++) if (pool.label(n.ids[i]) === knnBest) deciding.push(n.ids[i])
    }
  })
  return { frames: { ...f, topIndex, topProb }, deciding }
}
