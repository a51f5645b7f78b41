import { distance } from 'fastest-levenshtein'
import type { LineFrames } from '../recognize/frames'

export interface Alignment {
  /** Per frame: the class it is aligned to (0 = blank). */
  labels: Int32Array
  /** Per frame: the index of the label character it belongs to, or -1 for blank frames. */
  position: Int32Array
}

/** The largest alignment lattice (frames × states) worth computing; ~20 MB and ~0.1 s. */
export const MAX_CELLS = 20_000_000

/** Probability used for a class outside a frame's cached top-k: below everything that was kept. */
export function floorProb(f: LineFrames, t: number): number {
  return Math.max(f.topProb[t * f.k + f.k - 1] * 0.5, 1e-12)
}

/**
 * A character of a corrected text that the model cannot output and the batch has no room to learn (see
 * batch-alphabet.ts): it aligns as a wildcard, so the text's other characters find their frames, and its
 * own frames are left out of the stores.
 */
export const UNKNOWN = -1

/**
 * A class the model cannot output (a batch's new character, or UNKNOWN) aligns as a wildcard: on each
 * frame it is worth what the model's best character there is worth, times this. ſ then takes the frames
 * the model reads as f or s, whatever it reads there; the discount leaves a frame the model gives to the
 * next character of the text (a known one) to that character, where the two would otherwise tie.
 */
export const WILDCARD_SHARE = 0.9

/**
 * Frame t's probability of class c (0 = blank; from `wildFrom` on, and UNKNOWN: the wildcard), from its
 * cached top-k.
 */
export function classProb(f: LineFrames, t: number, c: number, wildFrom = Infinity): number {
  if (c === 0) return Math.max(f.blank[t], 1e-12)
  if (c === UNKNOWN || c >= wildFrom) {
    for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] !== 0) return Math.max(WILDCARD_SHARE * f.topProb[j], 1e-12)
    return floorProb(f, t)
  }
  const base = t * f.k
  for (let j = 0; j < f.k; j++) if (f.topIndex[base + j] === c) return Math.max(f.topProb[base + j], 1e-12)
  return floorProb(f, t)
}

// What is compared of a reading and its correction: case and spaces aside (receipts written in capitals,
// Fraktur letter-spaced "T o p o g r a p h i ſ ch e" are still the letters the frames show).
const bare = (text: string) => text.toLowerCase().replace(/\s+/gu, '')

/**
 * Whether a correction can be aligned on what the model read: not when it rewrites more than three
 * quarters of it, and more than two characters. The frames then hold other letters than the text ("b"
 * corrected to "file", a four-letter speck to a 120-letter sentence whose form field the detector cut
 * elsewhere): forced alignment still finds a path, and its frames, stored under letters they do not
 * show, became the neighbours of every h, p and B of a forms batch (forms-dev, batch of 5 documents:
 * "the" → "tile", "PRODUCT" → "ILRODUCT"). Such a line stays corrected and teaches its words; its frames
 * stay out of the pool, as an unaligned line's do.
 * Three quarters, not half: at half, Fraktur lines the model read badly but whose frames still taught
 * (whole batches at 10 %: 7.75 → 7.83 % CER at half, 7.77 % at three quarters) were left out too.
 */
export function alignable(model: string, text: string): boolean {
  const a = bare(model)
  const b = bare(text)
  const edits = distance(a, b)
  return edits <= 2 || edits <= 0.75 * Math.max(a.length, b.length)
}

/**
 * Viterbi forced alignment of a label sequence (class indices or UNKNOWN, no blanks) to a line's cached CTC
 * posteriors: the most probable frame-by-frame path that collapses to exactly that label. A character the
 * model never ranked in a frame's top-k still aligns (at a floor probability below every kept class), so
 * any corrected text in the alphabet can be aligned; classes from `wildFrom` on (those the model cannot
 * write) align as wildcards (classProb). Returns null when the line has too few frames, or is too long to
 * align (see MAX_CELLS).
 */
export function forceAlign(f: LineFrames, label: number[], wildFrom = Infinity): Alignment | null {
  const logProb = (f: LineFrames, t: number, c: number) => Math.log(classProb(f, t, c, wildFrom))
  const n = label.length
  const T = f.frames
  // Repeated neighbours need a blank between them, so they need one more frame each.
  let needed = n
  for (let i = 1; i < n; i++) if (label[i] === label[i - 1]) needed++
  if (n === 0 || T < needed) return null
  const S = 2 * n + 1
  // The back-pointers take T × S bytes: past this, a correction is kept but its frames are not stored
  // (a 10,000-character text on a 100,000-px line would need 250 MB and seconds of work per correction).
  if (T * S > MAX_CELLS) return null
  const cls = (s: number) => (s % 2 === 0 ? 0 : label[(s - 1) / 2])
  const NEG = -Infinity
  let prev = new Float64Array(S).fill(NEG)
  let cur = new Float64Array(S)
  const back = new Uint8Array(T * S) // 0: stay, 1: from s-1, 2: from s-2
  prev[0] = logProb(f, 0, 0)
  prev[1] = logProb(f, 0, cls(1))
  for (let t = 1; t < T; t++) {
    cur.fill(NEG)
    // A state can only be reached if enough frames remain to emit the rest of the label.
    for (let s = 0; s < S; s++) {
      let best = prev[s]
      let from = 0
      if (s >= 1 && prev[s - 1] > best) (best = prev[s - 1]), (from = 1)
      if (s >= 2 && s % 2 === 1 && cls(s) !== cls(s - 2) && prev[s - 2] > best) (best = prev[s - 2]), (from = 2)
      if (best === NEG) continue
      cur[s] = best + logProb(f, t, cls(s))
      back[t * S + s] = from
    }
    ;[prev, cur] = [cur, prev]
  }
  let s = prev[S - 1] >= prev[S - 2] ? S - 1 : S - 2
  if (prev[s] === NEG) return null
  const labels = new Int32Array(T)
  const position = new Int32Array(T)
  for (let t = T - 1; t >= 0; t--) {
    labels[t] = cls(s)
    position[t] = s % 2 === 1 ? (s - 1) / 2 : -1
    if (t > 0) s -= back[t * S + s]
  }
  return { labels, position }
}

/** The label an alignment spells out: repeats collapsed (unless split by a blank), blanks dropped. */
export function collapse(labels: Int32Array): number[] {
  const out: number[] = []
  let previous = -1
  for (const c of labels) {
    if (c !== 0 && c !== previous) out.push(c)
    previous = c
  }
  return out
}
