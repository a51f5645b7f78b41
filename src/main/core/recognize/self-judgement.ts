// What a reading says of its own chance of being wrong, from its decoding alone: the signals and features
// the self-evaluation weighs (review/self-check.ts fits their weights per batch on the reviewer's
// decisions), and the prior's weights, which recognition uses as they are to choose the lines worth a
// second look (views.ts).

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

/**
 * The prior's weights, in the order of `selfCheckFeatures` (batch-relative features centred on each set):
 * fitted on the model readings of sroie-dev, forms-dev, fraktur-dev and iiit5k-dev pooled, one setting for
 * all. Labels: reading ≠ transcription ignoring case — whether a batch writes capitals is its convention,
 * which its own corrections teach (the convention weights); counted as errors here, receipts' capitals made
 * confident lines look as often wrong as doubtful ones, and the prior then judged every easy line of other
 * batches too likely wrong.
 */
export const PRIOR_WEIGHTS = [-0.99, 0.35, -0.06, 0.05, -0.3, 0.85, 1.4, 7.59, -0.02, 2.11, 2.27]

/** The probability that a reading is wrong under `weights` (the prior's when not given). */
export function wrongProbability(x: ArrayLike<number>, weights: ArrayLike<number> = PRIOR_WEIGHTS): number {
  let z = 0
  for (let i = 0; i < weights.length; i++) z += weights[i] * x[i]
  return 1 / (1 + Math.exp(-z))
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
 * The features taken relative to the batch, each less its mean over the batch's readings (SelfCheck's
 * `centre`): the rare-word share and the three convention shares. A batch where every line shares a value
 * — unrelated words, each read once; a word list all in lower case — learns nothing of any one line from
 * it, and a fit on the hardest lines would otherwise carry their error rate to every line through it (the
 * base rate is the bias's alone, and the reviewer's hardest-first lines cannot tell it: selfCheckSettings).
 */
export const BATCH_RELATIVE = [6, 8, 9, 10]

/**
 * Features of a reading: bias; log expected wrong characters; the weakest character's log-odds; greedy ≠
 * beam; the mean confidence's log-odds; log length; the share of its words read nowhere else in the batch;
 * empty; the shares of lower-case letters (among letters), digits and other signs (among characters) —
 * what a batch's convention makes wrong, which only its own corrections can weigh. Less `centre` (the
 * batch's means of BATCH_RELATIVE, zeros elsewhere; none: absolute).
 */
export function selfCheckFeatures(text: string, s: ReadingSignals, wordCount: (word: string) => number, centre?: ArrayLike<number>): Float64Array {
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
  if (centre) for (const i of BATCH_RELATIVE) x[i] -= centre[i]
  return x
}
