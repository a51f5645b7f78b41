// CTC decoding of a line's top-k frames: greedy, beam search, and by segments (a re-read line decodes only
// the stretches that changed). One file at ~400 lines because the three share their range decoders, the
// emission buffers and the batch's class map; apart, each would export the others' internals.
import type { Alphabet } from './alphabet'
import type { LineFrames } from './frames'

export interface Decoded {
  text: string
  /** One per output character: the probability of the (best) frame that emitted it. */
  charConfidences: number[]
  /** Mean of the character confidences (PaddleOCR's line score); 0 for an empty line. */
  confidence: number
}

/**
 * Characters a decode emits and their confidences, in growable typed arrays shared by every decode in
 * this thread (an in-context update decodes thousands of lines: as arrays of numbers they were garbage).
 * Confidences are frame probabilities, float32 already.
 */
class Emitted {
  chars = new Uint16Array(1024)
  conf = new Float32Array(1024)
  n = 0

  /** Room for `more` characters past `n`. */
  reserve(more: number) {
    if (this.n + more <= this.chars.length) return
    const size = Math.max(2 * this.chars.length, this.n + more)
    const chars = new Uint16Array(size)
    chars.set(this.chars.subarray(0, this.n))
    const conf = new Float32Array(size)
    conf.set(this.conf.subarray(0, this.n))
    ;(this.chars = chars), (this.conf = conf)
  }
}

const emitted = new Emitted()

/**
 * What decoding may output: per class of the alphabet, the class it decodes as (itself, or another one it
 * is folded into), or -1 when it is no candidate at all (see scripts.ts). Absent: every class as itself.
 */
export type ClassMap = Int32Array

/** Greedy CTC: the best class per frame, repeats collapsed, blanks dropped. */
export function greedyDecode(f: LineFrames, alphabet: Alphabet, classes?: ClassMap | null): Decoded {
  emitted.n = 0
  greedyRange(f, alphabet, 0, f.frames, emitted, classes ?? null)
  return finish(emitted.chars, emitted.conf, emitted.n, alphabet)
}

/**
 * A frame's best class among those `classes` allows (folded ones summed into their target), and its
 * probability; the blank when none of its top-k is allowed.
 */
function bestAllowed(f: LineFrames, t: number, classes: ClassMap, blank: number): { best: number; p: number } {
  const base = t * f.k
  for (let j = 0; j < f.k; j++) {
    const c = classes[f.topIndex[base + j]]
    if (c < 0) continue
    let p = f.topProb[base + j]
    for (let i = j + 1; i < f.k; i++) if (classes[f.topIndex[base + i]] === c) p += f.topProb[base + i]
    return { best: c, p }
  }
  return { best: blank, p: f.blank[t] }
}

/** Greedy over frames [from, to), appending its characters and their confidences. */
function greedyRange(f: LineFrames, alphabet: Alphabet, from: number, to: number, out: Emitted, classes: ClassMap | null) {
  // A frame emits at most one character.
  out.reserve(to - from)
  const { chars, conf } = out
  let previous = -1
  const first = out.n
  for (let t = from; t < to; t++) {
    let best = f.topIndex[t * f.k]
    let p = f.topProb[t * f.k]
    if (classes) ({ best, p } = bestAllowed(f, t, classes, alphabet.blank))
    if (best !== alphabet.blank) {
      if (best !== previous) {
        chars[out.n] = best
        conf[out.n++] = p
      } else if (out.n > first && p > conf[out.n - 1]) conf[out.n - 1] = p
    }
    previous = best
  }
}

export interface BeamOptions {
  beam: number
  /** Classes below this probability in a frame are not expanded. */
  prune: number
  /** What may be output (a batch's scripts: scripts.ts classMap); absent or null: the whole alphabet. */
  classes?: ClassMap | null
}

export const defaultBeam: BeamOptions = { beam: 8, prune: 1e-3 }

/** A blank with no other class at or above the pruning threshold: no path can leave it but as a blank.
 *  With `classes`, among the classes allowed: a frame whose only likely classes are not allowed is one. */
function certainBlank(f: LineFrames, t: number, blank: number, prune: number, classes: ClassMap | null): boolean {
  if (!classes) return f.topIndex[t * f.k] === blank && (f.k < 2 || f.topProb[t * f.k + 1] < prune)
  for (let j = 0; j < f.k; j++) {
    const p = f.topProb[t * f.k + j]
    if (p < prune) return true
    const c = classes[f.topIndex[t * f.k + j]]
    if (c >= 0 && c !== blank) return false
  }
  return true
}

/** Growable scratch arrays shared by every beam search in this thread: a decode allocates nothing. */
class BeamScratch {
  parent = new Int32Array(0)
  last = new Int32Array(0)
  conf = new Float64Array(0)
  firstChild = new Int32Array(0)
  nextSibling = new Int32Array(0)
  /** Per node: the frame (generation) its slot in the next beam was given for, and that slot. */
  slotGen = new Int32Array(0)
  slotIdx = new Int32Array(0)
  beam = 0
  node = new Int32Array(0)
  pb = new Float64Array(0)
  pnb = new Float64Array(0)
  nNode = new Int32Array(0)
  nPb = new Float64Array(0)
  nPnb = new Float64Array(0)
  order = new Int32Array(0)

  /** Room for n prefix nodes. A decode starts its tree afresh, so nothing is carried over. */
  reserveNodes(n: number) {
    if (n <= this.parent.length) return
    const size = Math.max(n, 2 * this.parent.length, 1024)
    this.parent = new Int32Array(size)
    this.last = new Int32Array(size)
    this.conf = new Float64Array(size)
    this.firstChild = new Int32Array(size)
    this.nextSibling = new Int32Array(size)
    this.slotGen = new Int32Array(size)
    this.slotIdx = new Int32Array(size)
  }

  reserveBeam(cap: number) {
    if (cap <= this.beam) return
    this.beam = cap
    this.node = new Int32Array(cap)
    this.pb = new Float64Array(cap)
    this.pnb = new Float64Array(cap)
    this.nNode = new Int32Array(cap)
    this.nPb = new Float64Array(cap)
    this.nPnb = new Float64Array(cap)
    this.order = new Int32Array(cap)
  }
}

const scratch = new BeamScratch()

/**
 * CTC prefix beam search over each frame's cached top-k. Prefixes are nodes of a prefix tree (parent,
 * last character, first child and next sibling in typed arrays), so extending one is a walk over a few
 * siblings, never a string copy or a hash. Probabilities are renormalised per frame so long lines do not
 * underflow (the ranking is unchanged). In-context updates decode thousands of lines per correction early
 * in a session, so this allocates nothing per call.
 */
export function beamDecode(f: LineFrames, alphabet: Alphabet, options: BeamOptions = defaultBeam): Decoded {
  emitted.n = 0
  beamRange(f, alphabet, options, 0, f.frames, emitted)
  return finish(emitted.chars, emitted.conf, emitted.n, alphabet)
}

/** Beam search over frames [from, to) from the empty prefix, appending the best prefix and its confidences. */
function beamRange(f: LineFrames, alphabet: Alphabet, options: BeamOptions, from: number, to: number, out: Emitted) {
  const k = f.k
  const blank = alphabet.blank
  const prune = options.prune
  const classes = options.classes ?? null
  const cap = options.beam * (k + 1) + 1
  const b = scratch
  b.reserveBeam(cap)
  // Each branching frame adds at most `beam · k` nodes.
  b.reserveNodes(1 + (to - from) * options.beam * k)
  const { parent, last, conf, firstChild, nextSibling, slotGen, slotIdx, node, pb, pnb, nNode, nPb, nPnb, order } = b
  // Node 0 is the empty prefix.
  let nodes = 1
  parent[0] = -1
  last[0] = -1
  conf[0] = 0
  firstChild[0] = -1
  slotGen[0] = -1
  let size = 1
  node[0] = 0
  pb[0] = 1
  pnb[0] = 0
  let nSize = 0
  let gen = 0
  // A prefix's place among the next frame's candidates, given on its first use in frame `gen`.
  const slot = (id: number) => {
    if (slotGen[id] === gen) return slotIdx[id]
    slotGen[id] = gen
    slotIdx[id] = nSize
    nNode[nSize] = id
    nPb[nSize] = 0
    nPnb[nSize] = 0
    return nSize++
  }
  for (let t = from; t < to; t++) {
    const base = t * k
    const blankP = f.blank[t]
    // Most frames are a near-certain blank: every prefix just stays, no new prefix is worth a place.
    if (certainBlank(f, t, blank, prune, classes)) {
      for (let i = 0; i < size; i++) {
        pb[i] = (pb[i] + pnb[i]) * blankP
        pnb[i] = 0
      }
      continue
    }
    nSize = 0
    gen++
    for (let h = 0; h < size; h++) {
      const id = node[h]
      const total = pb[h] + pnb[h]
      // The prefix itself, through a blank.
      nPb[slot(id)] += total * blankP
      const lastChar = last[id]
      for (let j = 0; j < k; j++) {
        const p = f.topProb[base + j]
        if (p < prune) break
        // A class folded into another extends the same prefix: their probabilities add up there.
        const c = classes ? classes[f.topIndex[base + j]] : f.topIndex[base + j]
        if (c === blank || c < 0) continue
        if (c === lastChar) {
          // A repeat without a blank between collapses into the same prefix…
          nPnb[slot(id)] += pnb[h] * p
          if (p > conf[id]) conf[id] = p
        }
        // …a repeat after a blank, or another character, extends it.
        let child = firstChild[id]
        while (child >= 0 && last[child] !== c) child = nextSibling[child]
        if (child < 0) {
          child = nodes++
          parent[child] = id
          last[child] = c
          conf[child] = p
          firstChild[child] = -1
          nextSibling[child] = firstChild[id]
          firstChild[id] = child
          slotGen[child] = -1
        } else if (p > conf[child]) conf[child] = p
        nPnb[slot(child)] += (c === lastChar ? pb[h] : total) * p
      }
    }
    // The next beam: the best `beam` candidates, ties kept in the order they appeared (a stable sort).
    let kept: number
    if (nSize > options.beam) {
      kept = 0
      for (let i = 0; i < nSize; i++) {
        const score = nPb[i] + nPnb[i]
        if (kept === options.beam && score <= nPb[order[kept - 1]] + nPnb[order[kept - 1]]) continue
        let at = kept < options.beam ? kept++ : kept - 1
        while (at > 0 && nPb[order[at - 1]] + nPnb[order[at - 1]] < score) (order[at] = order[at - 1]), at--
        order[at] = i
      }
    } else {
      kept = nSize
      for (let i = 0; i < nSize; i++) order[i] = i
    }
    size = kept
    let norm = 0
    for (let i = 0; i < size; i++) norm += nPb[order[i]] + nPnb[order[i]]
    norm ||= 1
    for (let i = 0; i < size; i++) {
      const r = order[i]
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
  // The best prefix, written from its last character back (the tree's links run that way).
  let length = 0
  for (let n = best; n > 0; n = parent[n]) length++
  out.reserve(length)
  let at = out.n + length
  for (let n = best; n > 0; n = parent[n]) {
    out.chars[--at] = last[n]
    out.conf[at] = conf[n]
  }
  out.n += length
}

function finish(chars: ArrayLike<number>, conf: ArrayLike<number>, n: number, alphabet: Alphabet): Decoded {
  // The model often emits a space at a line's ends (from the crop's margin); a line has none there.
  let start = 0
  let end = n
  while (start < end && chars[start] === alphabet.space) start++
  while (end > start && chars[end - 1] === alphabet.space) end--
  let text = ''
  let sum = 0
  const charConfidences: number[] = []
  for (let i = start; i < end; i++) {
    const ch = alphabet.char(chars[i])
    text += ch
    sum += conf[i]
    charConfidences.push(conf[i])
    // A batch's class may be a letter with its marks ("aͤ"): confidences stay one per code point, as the
    // rest of the text's are.
    if (ch.length > 1) for (let extra = [...ch].length - 1; extra > 0; extra--) charConfidences.push(conf[i])
  }
  return { text, charConfidences, confidence: end > start ? sum / (end - start) : 0 }
}

/**
 * A line decoded in segments: the runs of frames between near-certain blanks (a blank with no other class
 * above the pruning threshold), each decoded on its own, with the characters of each kept. Such a frame
 * ends every path in a blank, so what comes after it depends on nothing before it: decoding each run with
 * its own beam reads the line as one beam would (better where one beam would be crowded by alternatives
 * of an earlier word), and lets an in-context update decode again only the runs whose frames it changed.
 */
export interface Segments {
  /** Per segment: its first frame and one past its last. */
  from: Int32Array
  to: Int32Array
  /** Per segment: where its characters start in `chars` and `conf` (one more entry: the end). */
  start: Int32Array
  chars: Uint16Array
  conf: Float32Array
}

/**
 * Decodes a line in segments. With `reuse`, a segment that spans exactly the frames of one of `previous`
 * and has no frame marked in `dirty` takes that segment's characters as they are, so the result is always
 * what decoding every segment would give.
 */
export function decodeSegments(
  f: LineFrames,
  alphabet: Alphabet,
  options: BeamOptions = defaultBeam,
  reuse?: { previous: Segments; dirty: Uint8Array },
): Segments {
  const k = f.k
  const out = emitted
  out.n = 0
  // Segments start and end at frames, so a line has at most half as many segments as frames, plus one.
  if (bounds.length < 3 * (f.frames + 2)) bounds = new Int32Array(6 * (f.frames + 2))
  const cap = (f.frames >> 1) + 1
  let segments = 0
  let p = 0
  const classes = options.classes ?? null
  for (let t = 0; t < f.frames; ) {
    if (certainBlank(f, t, alphabet.blank, options.prune, classes)) {
      t++
      continue
    }
    const a = t
    let branching = false
    for (; t < f.frames && !certainBlank(f, t, alphabet.blank, options.prune, classes); t++) if (k > 1 && f.topProb[t * k + 1] >= options.prune) branching = true
    bounds[segments] = a
    bounds[cap + segments] = t
    bounds[2 * cap + segments++] = out.n
    if (reuse) {
      const old = reuse.previous
      while (p < old.from.length && old.from[p] < a) p++
      if (p < old.from.length && old.from[p] === a && old.to[p] === t && !anyMarked(reuse.dirty, a, t)) {
        const n = old.start[p + 1] - old.start[p]
        out.reserve(n)
        out.chars.set(old.chars.subarray(old.start[p], old.start[p + 1]), out.n)
        out.conf.set(old.conf.subarray(old.start[p], old.start[p + 1]), out.n)
        out.n += n
        continue
      }
    }
    // Without a second class anywhere the beam can only follow the greedy path: greedy is ~30× cheaper.
    if (branching) beamRange(f, alphabet, options, a, t, out)
    else greedyRange(f, alphabet, a, t, out, classes)
  }
  const start = new Int32Array(segments + 1)
  start.set(bounds.subarray(2 * cap, 2 * cap + segments))
  start[segments] = out.n
  return {
    from: bounds.slice(0, segments),
    to: bounds.slice(cap, cap + segments),
    start,
    chars: out.chars.slice(0, out.n),
    conf: out.conf.slice(0, out.n),
  }
}

/** Scratch for decodeSegments: each segment's first frame, end and first character, in three runs. */
let bounds = new Int32Array(0)

function anyMarked(marks: Uint8Array, from: number, to: number): boolean {
  for (let t = from; t < to; t++) if (marks[t]) return true
  return false
}

/** The text and confidences of a line decoded in segments. */
export function joinSegments(s: Segments, alphabet: Alphabet): Decoded {
  return finish(s.chars, s.conf, s.chars.length, alphabet)
}

/** The engine's decoding (model alone and in context alike): beam search, segment by segment. */
export function decode(f: LineFrames, alphabet: Alphabet, options: BeamOptions = defaultBeam): Decoded {
  return joinSegments(decodeSegments(f, alphabet, options), alphabet)
}
