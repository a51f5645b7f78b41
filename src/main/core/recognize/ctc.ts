import type { Alphabet } from './alphabet'
import type { LineFrames } from './frames'

export interface Decoded {
  text: string
  /** One per output character: the probability of the (best) frame that emitted it. */
  charConfidences: number[]
  /** Mean of the character confidences (PaddleOCR's line score); 0 for an empty line. */
  confidence: number
}

/** Greedy CTC: the best class per frame, repeats collapsed, blanks dropped. */
export function greedyDecode(f: LineFrames, alphabet: Alphabet): Decoded {
  const chars: number[] = []
  const conf: number[] = []
  let previous = -1
  for (let t = 0; t < f.frames; t++) {
    const best = f.topIndex[t * f.k]
    const p = f.topProb[t * f.k]
    if (best !== alphabet.blank) {
      if (best !== previous) {
        chars.push(best)
        conf.push(p)
      } else if (p > conf[conf.length - 1]) conf[conf.length - 1] = p
    }
    previous = best
  }
  return finish(chars, conf, alphabet)
}

export interface BeamOptions {
  beam: number
  /** Classes below this probability in a frame are not expanded. */
  prune: number
}

export const defaultBeam: BeamOptions = { beam: 8, prune: 1e-3 }

/**
 * CTC prefix beam search over each frame's cached top-k. Prefixes are nodes of a prefix tree (parent and
 * last character), so extending one costs a map lookup, not a string or array copy. Probabilities are
 * renormalised per frame so long lines do not underflow (the ranking is unchanged).
 */
export function beamDecode(f: LineFrames, alphabet: Alphabet, options: BeamOptions = defaultBeam): Decoded {
  // Prefix tree: node 0 is the empty prefix.
  const parent: number[] = [-1]
  const last: number[] = [-1]
  const conf: number[] = [0]
  const child = new Map<number, number>()
  const extend = (node: number, c: number, p: number) => {
    const key = node * 8192 + c
    let id = child.get(key)
    if (id === undefined) {
      id = parent.length
      parent.push(node)
      last.push(c)
      conf.push(p)
      child.set(key, id)
    } else if (p > conf[id]) conf[id] = p
    return id
  }
  // The live prefixes (at most `beam`) and the next frame's, as parallel arrays: a frame touches a few
  // dozen prefixes, so a linear scan beats hashing.
  const cap = options.beam * (f.k + 1) + 1
  const node = new Int32Array(cap)
  const pb = new Float64Array(cap)
  const pnb = new Float64Array(cap)
  let size = 1
  pb[0] = 1
  const nNode = new Int32Array(cap)
  const nPb = new Float64Array(cap)
  const nPnb = new Float64Array(cap)
  const order = new Int32Array(cap)
  let nSize = 0
  const slot = (id: number) => {
    for (let i = 0; i < nSize; i++) if (nNode[i] === id) return i
    nNode[nSize] = id
    nPb[nSize] = 0
    nPnb[nSize] = 0
    return nSize++
  }
  for (let t = 0; t < f.frames; t++) {
    const base = t * f.k
    const blankP = f.blank[t]
    // Most frames are a near-certain blank: every prefix just stays, no new prefix is worth a place.
    if (f.topIndex[base] === alphabet.blank && (f.k < 2 || f.topProb[base + 1] < options.prune)) {
      for (let i = 0; i < size; i++) {
        pb[i] = (pb[i] + pnb[i]) * blankP
        pnb[i] = 0
      }
      continue
    }
    nSize = 0
    for (let h = 0; h < size; h++) {
      const id = node[h]
      const total = pb[h] + pnb[h]
      nPb[slot(id)] += total * blankP
      const lastChar = last[id]
      for (let j = 0; j < f.k; j++) {
        const p = f.topProb[base + j]
        if (p < options.prune) break
        const c = f.topIndex[base + j]
        if (c === alphabet.blank) continue
        if (c === lastChar) {
          // A repeat without a blank between collapses into the same prefix…
          nPnb[slot(id)] += pnb[h] * p
          if (p > conf[id]) conf[id] = p
          // …a repeat after a blank is a new character.
          nPnb[slot(extend(id, c, p))] += pb[h] * p
        } else {
          nPnb[slot(extend(id, c, p))] += total * p
        }
      }
    }
    for (let i = 0; i < nSize; i++) order[i] = i
    const ranked = order.subarray(0, nSize)
    if (nSize > options.beam) ranked.sort((a, b) => nPb[b] + nPnb[b] - (nPb[a] + nPnb[a]))
    size = Math.min(nSize, options.beam)
    let norm = 0
    for (let i = 0; i < size; i++) norm += nPb[ranked[i]] + nPnb[ranked[i]]
    norm ||= 1
    for (let i = 0; i < size; i++) {
      const r = ranked[i]
      node[i] = nNode[r]
      pb[i] = nPb[r] / norm
      pnb[i] = nPnb[r] / norm
    }
  }
  let best = 0
  let bestP = -1
  for (let i = 0; i < size; i++) {
    if (pb[i] + pnb[i] > bestP) (bestP = pb[i] + pnb[i]), (best = node[i])
  }
  const chars: number[] = []
  const confs: number[] = []
  for (let node = best; node > 0; node = parent[node]) {
    chars.push(last[node])
    confs.push(conf[node])
  }
  return finish(chars.reverse(), confs.reverse(), alphabet)
}

function finish(chars: number[], conf: number[], alphabet: Alphabet): Decoded {
  // The model often emits a space at a line's ends (from the crop's margin); a line has none there.
  let start = 0
  let end = chars.length
  while (start < end && chars[start] === alphabet.space) start++
  while (end > start && chars[end - 1] === alphabet.space) end--
  const charConfidences = conf.slice(start, end)
  return {
    text: chars.slice(start, end).map((c) => alphabet.char(c)).join(''),
    charConfidences,
    confidence: charConfidences.length ? charConfidences.reduce((a, b) => a + b, 0) / charConfidences.length : 0,
  }
}

/**
 * The engine's decoding: beam search, except on a line where no frame has a second class above the
 * pruning threshold — there the beam can only follow the greedy path, so greedy gives the same result
 * ~30× cheaper. In-context updates re-decode hundreds of lines per correction early in a session.
 */
export function decode(f: LineFrames, alphabet: Alphabet, options: BeamOptions = defaultBeam): Decoded {
  for (let t = 0; t < f.frames; t++) {
    if (f.k > 1 && f.topProb[t * f.k + 1] >= options.prune) return beamDecode(f, alphabet, options)
  }
  return greedyDecode(f, alphabet)
}
