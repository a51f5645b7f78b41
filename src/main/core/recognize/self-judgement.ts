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
 * The prior's weights, in the order of `selfCheckFeatures`: fitted on the model readings of sroie-dev,
 * forms-dev, fraktur-dev and iiit5k-dev pooled (labels: reading ≠ transcription), one setting for all.
 */
export const PRIOR_WEIGHTS = [-1.68, -0.39, 0.06, -0.01, -0.89, 1.35, 1.03, 0.32, 0.86, 1.05, 2.33]

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
