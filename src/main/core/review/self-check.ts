// Self-evaluation: the probability that a line's reading is wrong, which the hardest-first order sorts by
// and whose sum over the lines not yet reviewed is the batch's "probably still wrong" estimate.
//
// A line's mean confidence (PaddleOCR's score, the order before this) ignores what else the engine knows:
// a long line at 0.9 has more chances to hold one wrong character than a short one; one weak character
// hides in a mean; beam and greedy decoding disagreeing says the model hesitated; a word read nowhere else
// in the batch is more often misread than one read many times. And a batch has conventions no model
// score sees — receipts transcribed in capitals make every line read in lower case wrong. So P(wrong) is a
// small logistic model over those signals, fitted once on four unrelated kinds of documents (the prior,
// recognize/self-judgement.ts) and fitted again per batch on the reviewer's own decisions — a typed line is
// a wrong reading, an accepted one a right one — twice: for the order and for the estimate, which differ in
// how far the batch may move each weight (selfCheckSettings; the same Laplace fit as the in-context gate,
// incontext/gate.ts).
import { fitGate, isotropic, type WeightPrior } from '../incontext/gate'
import { BATCH_RELATIVE, PRIOR_WEIGHTS, SELF_CHECK_FEATURES, selfCheckFeatures, wordsOf, wrongProbability, type ReadingSignals } from '../recognize/self-judgement'

// The batch-relative features come from the text alone; these signals only fill the others.
const TEXT_ONLY: ReadingSignals = { chars: 0, expectedErrors: 0, weakest: 1, confidence: 1, greedyDiffers: false }

export { readingSignals, SELF_CHECK_FEATURES, selfCheckFeatures, type ReadingSignals } from '../recognize/self-judgement'

// A weight held at the prior's: worth more lines than any batch has corrections.
const HELD = 10_000
const CONVENTION = 5

export const selfCheckSettings = {
  /** The prior's mean (recognize/self-judgement.ts). */
  prior: PRIOR_WEIGHTS,
  /**
   * How much each weight of the prior is worth, in lines, in the two fits a batch's decisions make.
   *
   * `precision` — the probability a line is wrong, summed for the estimate of lines still wrong: only the
   * batch's conventions (the shares of lower case, digits and signs, taken relative to the batch) are its
   * own, at CONVENTION lines' worth; the base rate and the model's own signals are held at the prior's
   * (HELD). The reviewer's examples are the hardest lines only, and fitted to them these weights carried
   * the hardest lines' error rate to every easy line the estimate sums over. Measured with the live review
   * to 20 % (issue 21 note), estimate against the truth after 10 % / 20 % reviewed: sroie-dev +14 / −10 %,
   * forms-dev +18 / +21 %, fraktur-dev −3 / 0 %, iiit5k-dev +12 / +71 % (sroie-val +39 / +21 %), where
   * one fit with the order's precisions gave +18 / +25 %, +21 / +15 %, +7 / +13 %, +222 / +239 %. With
   * conventions at 2 lines iiit5k came out further off at 20 %, at 10 lines sroie at 10 %.
   *
   * `orderPrecision` — the hardest-first order, which needs only to tell apart the next lines, near those
   * reviewed: the base rate and conventions a line's worth, the model's signals 100 lines'. Held like the
   * estimate's, the order found fewer errors (iiit5k-dev 71 → 63 % of the wrong lines in the first 20 %)
   * and left forms-dev more character edits (2.31 → 2.76 % of its characters).
   */
  precision: [HELD, HELD, HELD, HELD, HELD, HELD, HELD, HELD, CONVENTION, CONVENTION, CONVENTION] as number | number[],
  orderPrecision: [1, 100, 100, 100, 100, 100, 100, 100, 1, 1, 1] as number | number[],
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
 * One batch's self-evaluation: its words' frequencies and its two fits' weights (see selfCheckSettings).
 * `refit` answers whether the weights changed (the caller then ranks every line again).
 */
export class SelfCheck {
  /** The probability a line is wrong (the estimate's). */
  weights: number[]
  /** How hard a line is (the order's). */
  orderWeights: number[]
  /** Labelled lines the current weights were fitted on (0: the prior's). */
  fittedOn = 0
  private words = new Map<string, number>()
  private readonly prior: WeightPrior
  private readonly orderPrior: WeightPrior

  constructor(private readonly settings = selfCheckSettings) {
    this.prior = priorWith(settings.prior, settings.precision)
    this.orderPrior = priorWith(settings.prior, settings.orderPrecision)
    this.weights = settings.prior.slice()
    this.orderWeights = settings.prior.slice()
  }

  /** Counted words so far: features taken before the last count are out of date (see `countWords`). */
  wordsVersion = 0

  /** The batch's means of its batch-relative features (BATCH_RELATIVE), which each line's are taken from. */
  centre = new Float64Array(SELF_CHECK_FEATURES)

  /** Counts the words of the batch's model readings (the rare-word signal) and takes the batch's centre. */
  countWords(texts: Iterable<string>) {
    const all = [...texts]
    const words = new Map<string, number>()
    for (const t of all) for (const w of wordsOf(t)) words.set(w, (words.get(w) ?? 0) + 1)
    this.words = words
    const centre = new Float64Array(SELF_CHECK_FEATURES)
    for (const t of all) {
      const x = selfCheckFeatures(t, TEXT_ONLY, this.wordCount)
      for (const i of BATCH_RELATIVE) centre[i] += x[i] / all.length
    }
    this.centre = centre
    this.wordsVersion++
  }

  readonly wordCount = (w: string) => this.words.get(w) ?? 0

  features(text: string, s: ReadingSignals): Float64Array {
    return selfCheckFeatures(text, s, this.wordCount, this.centre)
  }

  /** The probability that a reading with these features is wrong: what the estimate of lines left sums. */
  probability(x: ArrayLike<number>): number {
    return wrongProbability(x, this.weights)
  }

  /** How likely the order judges a reading wrong: the hardest-first order sorts by it. */
  orderProbability(x: ArrayLike<number>): number {
    return wrongProbability(x, this.orderWeights)
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
      this.orderWeights = this.settings.prior.slice()
      this.fittedOn = 0
      return true
    }
    const labelled = examples.map((e) => ({ x: Array.from(e.x), y: e.wrong ? 1 : 0 }))
    this.weights = fitGate(labelled, this.prior).mean
    this.orderWeights = fitGate(labelled, this.orderPrior).mean
    this.fittedOn = examples.length
    return true
  }
}

/** The prior's weights as the mean, each worth `precision` lines. */
function priorWith(mean: number[], precision: number | number[]): WeightPrior {
  const prior = isotropic(mean, 1)
  const d = mean.length
  for (let i = 0; i < d; i++) prior.precision[i * d + i] = typeof precision === 'number' ? precision : precision[i]
  return prior
}
