import type { LineFrames } from '../recognize/frames'
import type { Alignment } from './align'
import { besideRun } from './frame-rows'

/** Keys are four 16-bit fields: what is counted, the model's class, the reviewer's, a neighbour. */
const STRIDE = 65536
/** "Any class" in a key's model or reviewer field; a neighbour that is a word's edge is 0 (the blank's). */
const ANY = STRIDE - 1
const RUNS = 0
const BEFORE = 1
const AFTER = 2
/** Pseudo-counts pulling a character's neighbours toward those of every character read as it, and those
 *  toward every character's: a batch of five documents has a dozen ſ's, and with 2 its few contexts spoke
 *  as firmly as hundreds (fraktur-dev, batches of 5 at 10 %: CER 12.65 with 2, 12.62 with 8). */
const SMOOTH = 8
/** Times the batch must have corrected the model's m into v before the context speaks for v at all: with
 *  one, a class a single correction brought spoke against the model's right letter (fraktur-dev batches
 *  of 5 at 10 %: CER 12.69 with 1, 12.62 with 5, 12.66 with 10). */
const MIN_EVIDENCE = 5
const CLAMP = 6
/** Neighbours a character may have, for the add-one share of one never seen beside any (about the
 *  letters, digits and signs of a Latin or Fraktur batch). */
const NEIGHBOURS = 100

/**
 * What the model read beside the characters of the corrected lines: for each character the model wrote
 * (a run of frames), the reviewer's character there, and the model's characters right before and after it
 * (a space or the line's end: a word's edge). It tells two look-alikes apart where the frames do not: where
 * the model writes "fch" the reviewer writes "ſch", where it writes "auf " the reviewer keeps the f, and a
 * Fraktur "ſſ" read "ff" is counted as read, so "Waffer" speaks for ſ too. Counted in the model's reading,
 * not the reviewer's text, because that is all fusion sees around a unit. The gate weighs it for a class
 * the batch added (gate.ts), as it weighs the batch's spacing for a gap.
 */
export class LetterContextCounts {
  private readonly counts = new Map<number, number>()
  /** Each corrected line's runs, four numbers each (model, reviewer, before, after), to take back out. */
  private readonly lines = new Map<number, Int32Array>()

  /** `space`: the space's class, a word's edge as a neighbour. */
  constructor(private readonly space: number) {}

  /** A line's correction in (its alignment) or out (null). */
  set(lineId: number, frames: LineFrames, alignment: Alignment | null) {
    const old = this.lines.get(lineId)
    if (old) this.count(old, -1)
    this.lines.delete(lineId)
    if (!alignment) return
    const runs = modelRuns(frames, alignment.labels, this.space)
    this.lines.set(lineId, runs)
    this.count(runs, 1)
  }

  /** The counts as they stand (frozen: later corrections do not move them). */
  freeze(): LetterContext {
    const counts = new Map(this.counts)
    const get = (kind: number, m: number, r: number, nb: number) => counts.get(key(kind, m, r, nb)) ?? 0
    const edge = (c: number) => edgeOf(c, this.space)
    const total = get(RUNS, ANY, ANY, 0)
    // P(neighbour | the model read m where the reviewer wrote r), backed off to any m, then to any r.
    const logP = (side: number, m: number, r: number, nb: number) => {
      const overall = (get(side, ANY, ANY, nb) + 1) / (total + NEIGHBOURS)
      const anyRead = (get(side, ANY, r, nb) + SMOOTH * overall) / (get(RUNS, ANY, r, 0) + SMOOTH)
      return Math.log((get(side, m, r, nb) + SMOOTH * anyRead) / (get(RUNS, m, r, 0) + SMOOTH))
    }
    return {
      logOdds(v, m, previous, next) {
        const corrected = get(RUNS, m, v, 0)
        const kept = get(RUNS, m, m, 0)
        if (corrected < MIN_EVIDENCE || !kept) return 0
        const p = edge(previous)
        const n = edge(next)
        // What the two neighbours say, and not how often the reviewer writes v for m at all: that rate is
        // the batch's, while the print of a line is its book's — a batch of books with "ü" and books with
        // "uͤ" read the second's uͤ as ü (fraktur-dev diplomatic, uͤ read at 20 %: 22.5 % with the rate,
        // 26.8 % without; ö 84.1 / 86.6 %; ſ 91.0 / 90.6 %; CER 6.04 either way). The gate's weight for
        // an added class (x[16]) holds the rate over the batch's votes.
        const odds = logP(BEFORE, m, v, p) - logP(BEFORE, m, m, p) + logP(AFTER, m, v, n) - logP(AFTER, m, m, n)
        return Math.max(-CLAMP, Math.min(CLAMP, odds))
      },
    }
  }

  private count(runs: Int32Array, sign: number) {
    const bump = (k: number) => this.counts.set(k, (this.counts.get(k) ?? 0) + sign)
    for (let i = 0; i < runs.length; i += 4) {
      const [m, r, before, after] = [runs[i], runs[i + 1], runs[i + 2], runs[i + 3]]
      for (const model of [m, ANY]) {
        for (const reviewer of model === ANY ? [r, ANY] : [r]) {
          bump(key(RUNS, model, reviewer, 0))
          bump(key(BEFORE, model, reviewer, before))
          bump(key(AFTER, model, reviewer, after))
        }
      }
    }
  }
}

/**
 * What the characters the model reads around a unit say of the reviewer's character there: the log of
 * how much likelier `previous` and `next` (the model's classes; the space, 0 or −1 for a word's edge) are
 * beside a v the reviewer wrote for the model's m than beside an m kept, the two taken as independent
 * (naive Bayes); 0 until the batch has corrected m into v `MIN_EVIDENCE` times and kept an m somewhere.
 */
export interface LetterContext {
  logOdds(v: number, m: number, previous: number, next: number): number
}

export const noLetterContext: LetterContext = { logOdds: () => 0 }

/** Each character the model wrote on a line, with the class the reviewer's aligned text has on most of its frames. */
function modelRuns(f: LineFrames, labels: Int32Array, space: number): Int32Array {
  const out: number[] = []
  const top = (t: number) => f.topIndex[t * f.k]
  for (let t = 0; t < f.frames; t++) {
    const m = top(t)
    if (m === 0 || m === space) continue
    const start = t
    while (t + 1 < f.frames && top(t + 1) === m) t++
    const r = majority(labels, start, t)
    if (r <= 0) continue
    const [before, after] = besideRun(f, start, t)
    out.push(m, r, edgeOf(before, space), edgeOf(after, space))
  }
  return Int32Array.from(out)
}

/** The non-blank label most of frames t0..t1 carry (0 for none). */
function majority(labels: Int32Array, t0: number, t1: number): number {
  let best = 0
  let bestCount = 0
  for (let t = t0; t <= t1; t++) {
    if (labels[t] <= 0) continue
    let count = 0
    for (let u = t0; u <= t1; u++) if (labels[u] === labels[t]) count++
    if (count > bestCount) (bestCount = count), (best = labels[t])
  }
  return best
}

/** A neighbour's class in the counts: 0 for a word's edge (the space, or no character: -1). */
function edgeOf(c: number, space: number): number {
  return c <= 0 || c === space ? 0 : c
}

function key(kind: number, m: number, r: number, nb: number): number {
  return ((kind * STRIDE + m) * STRIDE + r) * STRIDE + nb
}
