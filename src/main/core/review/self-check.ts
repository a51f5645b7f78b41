// Self-evaluation: the probability that a line's reading is wrong, which the hardest-first order sorts by
// and whose sum over the lines not yet reviewed is the batch's "probably still wrong" estimate.
//
// A line's mean confidence (PaddleOCR's score, the order before this) ignores what else the engine knows:
// a long line at 0.9 has more chances to hold one wrong character than a short one; one weak character
// hides in a mean; beam and greedy decoding disagreeing says the model hesitated; a word read nowhere else
// in the batch is more often misread than one read many times. And a batch has conventions no model
// score sees — receipts transcribed in capitals make every line read in lower case wrong. So P(wrong) is a
// small logistic model over those signals, shrunk toward a prior fitted once on four unrelated kinds of
// documents (scratch study, see the issue 21 note) and fitted again per batch on the reviewer's own
// decisions: a typed line is a wrong reading, an accepted one a right one (the same Laplace fit as the
// in-context gate, incontext/gate.ts).
import { fitGate, gateProbability, isotropic, type WeightPrior } from '../incontext/gate'

/** What a reading's own decoding says of it, kept per line (not its per-character blob). */
export interface ReadingSignals {
  /** Characters read. */
  chars: number
  /** The expected number of wrong characters: Σ (1 − p) over the characters' confidences. */
  expectedErrors: number
  /** The weakest character's confidence (1 for an empty reading). */
  weakest: number
  /** The mean confidence (the line's score). */
  confidence: number
  /** Greedy decoding read something else than the beam. */
  greedyDiffers: boolean
}

export const SELF_CHECK_FEATURES = 11

export const selfCheckSettings = {
  /**
   * The prior's mean, in the order of `selfCheckFeatures`: fitted on the model readings of sroie-dev,
   * forms-dev, fraktur-dev and iiit5k-dev pooled (labels: reading ≠ transcription), one setting for all.
   */
  prior: [-1.67, -0.39, 0.06, -0.01, -0.89, 1.35, 1.03, 0.11, 0.86, 1.05, 2.33],
  /**
   * How much each weight of the prior is worth, in lines. The model's own signals (features 1–7) say how
   * often its readings are wrong in the same way on every kind of document: held near the prior (100), a
   * batch's corrections — the hardest lines only, since the reviewer goes hardest first — cannot bend them
   * into a wild extrapolation to the easy lines. The base rate and the batch's conventions (bias, shares of
   * lower case, digits and signs) are the batch's own: a line's worth, so its first corrections decide them.
   * (Four dev sets: the first 20 % of the order found as many errors either way, 42.5 / 37.2 / 20.4 / 75.3 %,
   * and the held-out receipts 39.6 % against 37.3 % with every weight at 4.)
   */
  precision: [1, 100, 100, 100, 100, 100, 100, 100, 1, 1, 1] as number | number[],
  /** Labelled lines before the first fit of a batch's own. */
  minExamples: 5,
  /**
   * A batch is fitted again once its labelled lines grew (or shrank, undo) by a quarter since the last fit:
   * a fit re-ranks every line, which sorts the batch again; a few dozen fits cover 100,000 corrections.
   */
  refitGrowth: 1.25,
}

const logit = (p: number) => Math.log(Math.max(p, 1e-4) / Math.max(1 - p, 1e-4))
const WORD = /\p{L}{3,}/gu
const LETTER = /\p{L}/u
const LOWER = /\p{Ll}/u
const DIGIT = /\p{Nd}/u

/** A reading's signals from its text, its characters' confidences and the greedy reading. */
export function readingSignals(text: string, charConfidences: ArrayLike<number>, confidence: number, greedyText?: string | null): ReadingSignals {
  let expectedErrors = 0
  let weakest = 1
  for (let i = 0; i < charConfidences.length; i++) {
    expectedErrors += 1 - charConfidences[i]
    weakest = Math.min(weakest, charConfidences[i])
  }
  return {
    chars: charConfidences.length || [...text].length,
    expectedErrors,
    weakest,
    confidence,
    greedyDiffers: greedyText !== null && greedyText !== undefined && greedyText !== text,
  }
}

/** The words (three letters or more, lower case) whose batch frequency the rare-word signal counts. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? []
}

/**
 * Features of a reading: bias; log expected wrong characters; the weakest character's log-odds; greedy ≠
 * beam; the mean confidence's log-odds; log length; the share of its words read nowhere else in the batch;
 * empty; the shares of lower-case letters (among letters), digits and other signs (among characters) —
 * what a batch's convention makes wrong, which only its own corrections can weigh.
 */
export function selfCheckFeatures(text: string, s: ReadingSignals, wordCount: (word: string) => number): Float64Array {
  const x = new Float64Array(SELF_CHECK_FEATURES)
  let letters = 0
  let lower = 0
  let digits = 0
  let n = 0
  for (const ch of text) {
    n++
    const c = ch.charCodeAt(0)
    // ASCII by its code (a regex per character took a 100,000-line batch ~1.5 s to rank), the rest by class.
    if (c < 128) {
      if (c >= 97 && c <= 122) (letters++, lower++)
      else if (c >= 65 && c <= 90) letters++
      else if (c >= 48 && c <= 57) digits++
    } else if (LETTER.test(ch)) {
      letters++
      if (LOWER.test(ch)) lower++
    } else if (DIGIT.test(ch)) digits++
  }
  const words = wordsOf(text)
  let rare = 0
  for (const w of words) if (wordCount(w) <= 1) rare++
  x[0] = 1
  x[1] = Math.log(s.expectedErrors + 0.01)
  x[2] = logit(s.weakest)
  x[3] = s.greedyDiffers ? 1 : 0
  x[4] = logit(s.confidence)
  x[5] = Math.log(1 + s.chars)
  x[6] = words.length ? rare / words.length : 0
  x[7] = n === 0 ? 1 : 0
  x[8] = letters ? lower / letters : 0
  x[9] = digits / Math.max(1, n)
  x[10] = (n - letters - digits) / Math.max(1, n)
  return x
}

/** A reviewed line as a labelled example: its model reading's features, and whether the reviewer changed it. */
export interface SelfCheckExample {
  x: ArrayLike<number>
  wrong: boolean
}

/**
 * One batch's self-evaluation: its words' frequencies and its weights. `refit` answers whether the weights
 * changed (the caller then ranks every line again).
 */
export class SelfCheck {
  weights: number[]
  /** Labelled lines the current weights were fitted on (0: the prior's). */
  fittedOn = 0
  private words = new Map<string, number>()
  private readonly prior: WeightPrior

  constructor(private readonly settings = selfCheckSettings) {
    this.prior = isotropic(settings.prior, 1)
    const d = settings.prior.length
    const precision = typeof settings.precision === 'number' ? new Array<number>(d).fill(settings.precision) : settings.precision
    for (let i = 0; i < d; i++) this.prior.precision[i * d + i] = precision[i]
    this.weights = settings.prior.slice()
  }

  /** Counted words so far: features taken before the last count are out of date (see `countWords`). */
  wordsVersion = 0

  /** Counts the words of the batch's model readings (the rare-word signal). */
  countWords(texts: Iterable<string>) {
    const words = new Map<string, number>()
    for (const t of texts) for (const w of wordsOf(t)) words.set(w, (words.get(w) ?? 0) + 1)
    this.words = words
    this.wordsVersion++
  }

  readonly wordCount = (w: string) => this.words.get(w) ?? 0

  features(text: string, s: ReadingSignals): Float64Array {
    return selfCheckFeatures(text, s, this.wordCount)
  }

  probability(x: ArrayLike<number>): number {
    return gateProbability(this.weights, x)
  }

  /** Whether this many labelled lines call for a new fit (see `refitGrowth`). */
  due(labelled: number): boolean {
    const { minExamples, refitGrowth } = this.settings
    if (labelled < minExamples) return this.fittedOn > 0
    return labelled >= this.fittedOn * refitGrowth || labelled * refitGrowth <= this.fittedOn
  }

  /** Fits the weights on the batch's labelled lines when due; true when they changed. */
  refit(examples: SelfCheckExample[]): boolean {
    if (!this.due(examples.length)) return false
    if (examples.length < this.settings.minExamples) {
      this.weights = this.settings.prior.slice()
      this.fittedOn = 0
      return true
    }
    this.weights = fitGate(
      examples.map((e) => ({ x: Array.from(e.x), y: e.wrong ? 1 : 0 })),
      this.prior,
    ).mean
    this.fittedOn = examples.length
    return true
  }
}
