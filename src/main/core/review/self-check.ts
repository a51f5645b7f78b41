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
import { fitGate, isotropic, type WeightPrior } from '../incontext/gate'
import { PRIOR_WEIGHTS, selfCheckFeatures, wordsOf, wrongProbability, type ReadingSignals } from '../recognize/self-judgement'

export { readingSignals, SELF_CHECK_FEATURES, selfCheckFeatures, type ReadingSignals } from '../recognize/self-judgement'

export const selfCheckSettings = {
  /** The prior's mean (recognize/self-judgement.ts). */
  prior: PRIOR_WEIGHTS,
  /**
   * How much each weight of the prior is worth, in lines. The model's own signals (features 1–7) say how
   * often its readings are wrong in the same way on every kind of document: held near the prior (100), a
   * batch's corrections — the hardest lines only, since the reviewer goes hardest first — cannot bend them
   * into a wild extrapolation to the easy lines. The base rate and the batch's conventions (bias, shares of
   * lower case, digits and signs) are the batch's own: a line's worth, so its first corrections decide them.
   * (Dev sets sroie / forms / fraktur / iiit5k: the first 20 % of the order holds 42.5 / 36.9 / 20.4 / 75.3 %
   * of the wrong lines, against 29.0 / 31.6 / 20.3 / 43.9 % in confidence order — about as with every weight
   * at 4; the held-out receipts 39.6 %, against 37.3 % with every weight at 4.)
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
    return wrongProbability(x, this.weights)
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
