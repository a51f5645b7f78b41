import { graphemes, isLetter, type Alphabet } from '../recognize/alphabet'
import type { Ballot } from './ballot'

/**
 * The per-unit decision of context: where the neighbours' vote names another label than the model's
 * reading, the probability that the vote is right, from what the unit's evidence looks like — a logistic
 * model over the features below, fitted per batch on its own corrections (calibrate.ts) and shrunk toward
 * a prior that was fitted once on four unrelated kinds of documents (settings.ts). One scalar trust for
 * every frame treated a close, unanimous neighbourhood of five corrected lines like one far look-alike.
 *
 * Char units' features, in order (`charFeatures`):
 *   bias; case (the vote's label is the model's letter in the other case); case of a shape (the same, for
 *   a letter whose two cases differ only in size — c o p s u v w x z — which the frames of a 48-pixel line
 *   hardly tell apart: forms lost "Plug" to "plug" and "ORIGINAL" to "oRIGINaL"); the model's own odds against
 *   the vote's label, log p(vote) − log p(model) floored at 1e-3, for a case change, a letter read for a
 *   digit or back, and any other change apart (a batch's case convention overrules a sure model all the time — receipts transcribed
 *   in capitals — while a sure "0.75" read as "0,75" on the word of a few look-alikes is the harm small
 *   batches showed: with one shared weight, hundreds of case changes taught the gate to ignore the odds);
 *   log p(model); the distance of the vote's closest neighbour and of the model label's closest (in units
 *   of 0.05 cosine; 6 when none); the vote's share of the weight; log of the corrected lines voting for
 *   it; digits (both labels digits); look-alike (a letter for a digit or back: O/0, S/5, I/1, the breaks a
 *   small batch made most in numbers); collapse (the vote's label is that of an adjacent character with no
 *   blank between, so the change deletes a character: "80.91" → "8091"); non-letter (either label not a
 *   letter); ligature (the vote's label is two letters the batch reads as one glyph, ligatures.ts: its
 *   own weight, so a Fraktur batch's many right "ch" votes do not make the gate looser with the letters
 *   of a forms batch's few); added (the vote's label is a class the batch added, such as ſ, which the
 *   model cannot write: its own weight too); and, for an added class, the log-odds that the batch's
 *   reviewer writes it rather than the model's letter where the model reads the same characters around
 *   (letter-context.ts).
 * Gap units are not a vote against the model but a question — is there a space here? — since the
 * model's own space probability is far from calibrated (forms-dev: between two characters the beam read
 * together, 95 % of the places where it gave a space 0.1–0.5 have one in the reviewer's text). Features
 * (`gapFeatures`): bias; log p(space) at the frame (floored at 1e-5); the blank run's length in characters'
 * widths; the neighbours' vote (share for space minus share for a plain gap, 0 with none); the nearest
 * neighbour's distance; the batch's spacing between the two characters around (spacing.ts, log-odds);
 * inside a number (digits on both sides, or beyond a separator: "0.34" must not become "0. 34", nor
 * "27407" "27 407"); whether the model reads a space here.
 */
export const CHAR_FEATURES = 18
export const GAP_FEATURES = 8

export interface GateWeights {
  chars: number[]
  gaps: number[]
}

const FLOOR = 1e-3
const DISTANCE_UNIT = 0.05
const NO_NEIGHBOUR = 6

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/**
 * What the gate knows of the alphabet: which classes are digits and letters, and each letter's other case.
 * A batch's alphabet grows with its corrections (batch-alphabet.ts): `sync` takes in the classes it gained
 * (room for `capacity` in all). What a class is depends on its grapheme alone, so a class is known the same
 * from its first vote to its last.
 */
export class ClassKinds {
  readonly digit: Uint8Array
  readonly letter: Uint8Array
  /** Per class: its lower-case class (itself when it has none). */
  readonly folded: Int32Array
  /** What may stand inside a number: "0.34", "16:58", "03-4021", "12/02", "1,250". */
  readonly separator: Uint8Array
  /** Letters whose two cases share a shape and differ only in size. */
  readonly sizeCase: Uint8Array
  /** Per class: for a ligature (two letters the batch reads as one glyph, ligatures.ts), the class of its
   *  first and of its last letter; else -1. */
  readonly ligatureFirst: Int32Array
  readonly ligatureLast: Int32Array
  /** Per class: a grapheme the batch added that the model cannot write (ſ, aͤ), a ligature apart. */
  readonly added: Uint8Array
  /** The space's class. */
  readonly space: number
  /** Classes from here on are the batch's own: the model cannot write them. */
  readonly modelSize: number
  private known = 0

  constructor(
    private readonly alphabet: Alphabet,
    options: { modelSize?: number; capacity?: number } = {},
  ) {
    const capacity = Math.max(options.capacity ?? alphabet.size, alphabet.size)
    this.modelSize = options.modelSize ?? alphabet.size
    this.digit = new Uint8Array(capacity)
    this.letter = new Uint8Array(capacity)
    this.folded = new Int32Array(capacity)
    this.separator = new Uint8Array(capacity)
    this.sizeCase = new Uint8Array(capacity)
    this.ligatureFirst = new Int32Array(capacity).fill(-1)
    this.ligatureLast = new Int32Array(capacity).fill(-1)
    this.added = new Uint8Array(capacity)
    this.space = alphabet.space
    this.sync()
  }

  /** Takes in the classes the alphabet gained since the last call. */
  sync() {
    const { alphabet } = this
    const end = Math.min(alphabet.size, this.digit.length)
    for (let c = this.known; c < end; c++) {
      const ch = alphabet.char(c)
      this.separator[c] = '.,:/-'.includes(ch) && ch.length === 1 ? 1 : 0
      this.sizeCase[c] = ch.length === 1 && 'copsuvwxzCOPSUVWXZ'.includes(ch) ? 1 : 0
      this.digit[c] = /^\p{Nd}$/u.test(ch) ? 1 : 0
      // A letter with its marks is one ("aͤ": a with a combining e above, a class of its own in a batch), and
      // so is a ligature of two ("ch").
      const parts = c >= this.modelSize ? graphemes(ch) : [ch]
      this.letter[c] = parts.every(isLetter) ? 1 : 0
      const lower = alphabet.indexOf(ch.toLowerCase())
      this.folded[c] = this.letter[c] && lower > 0 ? lower : c
      if (parts.length === 2) (this.ligatureFirst[c] = alphabet.indexOf(parts[0])), (this.ligatureLast[c] = alphabet.indexOf(parts[1]))
      else this.added[c] = c >= this.modelSize ? 1 : 0
    }
    this.known = end
  }
}

/** The evidence of one unit where the vote's label `v` differs from the model's `m`. */
export interface UnitEvidence {
  /** The model's mean probability of its own label and of the vote's, over the unit's frames. */
  pm: number
  pv: number
  /** Whether the vote's label is an adjacent character's with no blank between. */
  collapse: boolean
  /** The log-odds of the vote's label against the model's, from what the batch's reviewer wrote where the
   *  model read the characters it reads around the unit (letter-context.ts); read for an added class only. */
  letters: number
}

function distanceOf(sim: number): number {
  return sim > 0 ? Math.min(NO_NEIGHBOUR, (1 - sim) / DISTANCE_UNIT) : NO_NEIGHBOUR
}

/** Writes a char unit's features into `x` (length CHAR_FEATURES). */
export function charFeatures(x: Float64Array, ballot: Ballot, m: number, e: UnitEvidence, kinds: ClassKinds) {
  const v = ballot.top
  const mAt = ballot.indexOf(m)
  const pm = Math.max(e.pm, FLOOR)
  const pv = Math.max(e.pv, FLOOR)
  const caseChange = v !== m && kinds.letter[v] && kinds.letter[m] && kinds.folded[v] === kinds.folded[m] ? 1 : 0
  const odds = Math.log(pv) - Math.log(pm)
  x[0] = 1
  x[1] = caseChange
  x[2] = caseChange && kinds.sizeCase[m] ? 1 : 0
  x[3] = caseChange ? 0 : odds
  x[4] = caseChange ? odds : 0
  x[5] = Math.log(pm)
  x[6] = distanceOf(ballot.best[ballot.topAt])
  x[7] = mAt < 0 ? NO_NEIGHBOUR : distanceOf(ballot.best[mAt])
  x[8] = ballot.weight[ballot.topAt] / ballot.total
  x[9] = Math.log(Math.max(1, ballot.lineCount[ballot.topAt]))
  x[10] = kinds.digit[v] && kinds.digit[m] ? 1 : 0
  x[11] = (kinds.digit[v] && kinds.letter[m]) || (kinds.letter[v] && kinds.digit[m]) ? 1 : 0
  x[12] = e.collapse ? 1 : 0
  x[13] = kinds.letter[v] && kinds.letter[m] ? 0 : 1
  // The look-alikes' odds apart: the model reads "75M" with its neighbours in view.
  x[14] = x[11] ? odds : 0
  x[15] = kinds.ligatureFirst[v] >= 0 ? 1 : 0
  // A class the batch added (ſ where the model reads f: its odds stand even, fuse.ts) has a weight of its
  // own, fitted on how often such votes were right in this batch: with the letters' weights, fraktur-dev's
  // diplomatic labels read 86 % of the ſ left at 20 % corrected; with its own, 88 % (10 %: 89 → 91 %).
  x[16] = kinds.added[v]
  // Which of the two the batch's reviewer writes where the model reads these neighbours ("ſch" for its
  // "fch"; "auf", never "auſ"): the frames of ſ and f look alike, and the vote splits where the words do
  // not. Fraktur-dev diplomatic, ſ read in the rest at 20 % / 10 % / batches of 5: 89.4 / 90.8 / 72.1 %
  // without it, 90.6 / 90.5 / 73.6 % with it; CER 6.07 / 7.59 / 12.65 → 6.04 / 7.58 / 12.62 % (replay).
  x[17] = kinds.added[v] ? e.letters : 0
  if (x[11]) x[3] = 0
}

/** What a gap unit's question is asked from (see `gapFeatures`). */
export interface GapEvidence {
  pSpace: number
  /** Frames of the blank run, over the line's frames per character. */
  run: number
  /** Vote weight for a space minus for a plain gap, over all (0 without neighbours). */
  vote: number
  nearest: number
  spacing: number
  numberInside: boolean
  modelSpace: boolean
}

/** Writes a gap unit's features into `x` (length GAP_FEATURES). */
export function gapFeatures(x: Float64Array, e: GapEvidence) {
  x[0] = 1
  x[1] = Math.log(Math.max(e.pSpace, 1e-5))
  x[2] = Math.min(3, e.run)
  x[3] = e.vote
  x[4] = distanceOf(e.nearest)
  x[5] = e.spacing
  x[6] = e.numberInside ? 1 : 0
  x[7] = e.modelSpace ? 1 : 0
}

/** The probability that the vote is right, under weights `w`. */
export function gateProbability(w: ArrayLike<number>, x: ArrayLike<number>): number {
  let z = 0
  for (let i = 0; i < w.length; i++) z += w[i] * x[i]
  return sigmoid(z)
}

/** One unit of a corrected line as it stood before the correction: its features and whether the vote was right. */
export interface GateExample {
  gap: boolean
  x: number[]
  /** 1: the reviewer's text has the vote's label there; 0: the model's. */
  y: number
}

/** A Gaussian over weights: its mean and precision matrix (row-major). */
export interface WeightPrior {
  mean: number[]
  precision: number[]
}

/**
 * A prior saved when the gate had fewer features (a batch or pool from before one was added), widened to
 * `like`'s: the new features start from `like`'s weights, held as firmly as it holds them; the saved
 * weights and precisions stand.
 */
export function widened(saved: WeightPrior, like: WeightPrior): WeightPrior {
  const d = saved.mean.length
  const D = like.mean.length
  if (d >= D) return saved
  const precision = new Array<number>(D * D).fill(0)
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) precision[i * D + j] = i < d && j < d ? saved.precision[i * d + j] : i === j ? like.precision[i * D + i] : 0
  }
  return { mean: [...saved.mean, ...like.mean.slice(d)], precision }
}

/** A prior with the same precision on every weight. */
export function isotropic(mean: number[], precision: number): WeightPrior {
  const d = mean.length
  const p = new Array<number>(d * d).fill(0)
  for (let i = 0; i < d; i++) p[i * d + i] = precision
  return { mean: mean.slice(), precision: p }
}

/**
 * The weights with the highest posterior — the examples' logistic likelihood times the Gaussian prior —
 * and the posterior's precision there (the prior of a later fit, Laplace's approximation). With a prior of
 * a few examples' worth, a handful of corrections moves the gate a little and hundreds decide it.
 * Newton's method in a dozen dimensions: milliseconds for thousands of examples.
 */
export function fitGate(examples: Array<{ x: number[]; y: number }>, prior: WeightPrior, iterations = 30): WeightPrior {
  const d = prior.mean.length
  let w = prior.mean.slice()
  // The negative log posterior (up to a constant), which each Newton step must lower: separable examples
  // would otherwise send the weights off in a few overshooting steps.
  const loss = (v: number[]) => {
    let l = 0
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) l += 0.5 * (v[i] - prior.mean[i]) * prior.precision[i * d + j] * (v[j] - prior.mean[j])
    for (const { x, y } of examples) {
      let z = 0
      for (let i = 0; i < d; i++) z += v[i] * x[i]
      // log(1 + e^−z) for y = 1, log(1 + e^z) for y = 0, without overflow.
      const m = y ? -z : z
      l += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))
    }
    return l
  }
  let current = loss(w)
  let hess = Float64Array.from(prior.precision)
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d)
    hess = Float64Array.from(prior.precision)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) grad[i] -= prior.precision[i * d + j] * (w[j] - prior.mean[j])
    for (const { x, y } of examples) {
      const p = gateProbability(w, x)
      const r = y - p
      const s = p * (1 - p)
      for (let i = 0; i < d; i++) {
        grad[i] += r * x[i]
        const sx = s * x[i]
        for (let j = 0; j < d; j++) hess[i * d + j] += sx * x[j]
      }
    }
    const step = solve(hess, grad, d)
    let scale = 1
    let next = w
    let value = current
    for (let tries = 0; tries < 20; tries++, scale /= 2) {
      const candidate = w.map((wi, i) => wi + scale * step[i])
      const l = loss(candidate)
      if (l <= current) {
        next = candidate
        value = l
        break
      }
    }
    const moved = current - value
    w = next
    current = value
    if (moved < 1e-9) break
  }
  return { mean: w, precision: Array.from(hess) }
}

/** Solves A x = b for a symmetric positive definite A (d × d, row-major) by Cholesky. */
function solve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k]
      l[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * d + j]
    }
  }
  const y = new Float64Array(d)
  for (let i = 0; i < d; i++) {
    let s = b[i]
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k]
    y[i] = s / l[i * d + i]
  }
  const x = new Float64Array(d)
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k]
    x[i] = s / l[i * d + i]
  }
  return x
}
