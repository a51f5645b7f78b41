import type { Alphabet } from '../recognize/alphabet'
import type { Decoded } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import { ctcLogLikelihood } from './ctc-score'
import { letterSpans, type Lexicon } from './lexicon'

export interface LexiconReading extends Decoded {
  /** The entries that replaced spans of the reading, in the order they were taken. */
  entries: string[]
}

/** Replacements a line may take: a line rarely holds more than two misread words worth fixing. */
const MAX_REPLACEMENTS = 3

/**
 * The reading with the batch's vocabulary: a span of it (a letter run, or two with white space between)
 * that is not an entry of the lexicon is replaced by an entry a few edits away when the line's own CTC
 * posteriors (its fused rows) give the new text at most `bias` nats less than the reading — the lexicon is
 * worth `bias` nats of evidence, and no more. The model's evidence stays in charge: a confident "SWEET" is
 * not turned into a pool's "SHEET" (the W is many nats more likely), a doubtful "JOTAL" becomes "TOTAL".
 * This is contextual biasing as a rescoring of the beam's answer rather than inside the beam: only lines
 * with an entry near one of their spans are scored at all, so a new word in the pool re-reads only the
 * lines it can change. Best replacement first, then again on the result; `reading` is null when nothing
 * is replaced.
 *
 * `without` leaves a corrected line's own entries out (leave-one-out); `memo` keeps log-likelihoods of
 * texts already scored on these frames (calibration tries several biases on the same line).
 * `candidates` is how many entries the reading had near its spans: with none, no bias and no change of
 * the line's rows can change it until the lexicon changes near it, so the caller need not ask again.
 */
export function readWithLexicon(
  frames: LineFrames,
  reading: Decoded,
  lexicon: Lexicon,
  alphabet: Alphabet,
  bias: number,
  without?: number,
  memo = new Map<string, number>(),
): { reading: LexiconReading | null; candidates: number } {
  let candidates = 0
  if (bias <= 0 || lexicon.size === 0) return { reading: null, candidates }
  const score = (text: string) => {
    let ll = memo.get(text)
    if (ll === undefined) {
      const label = encode(text, alphabet)
      ll = label ? ctcLogLikelihood(frames, label) : -Infinity
      memo.set(text, ll)
    }
    return ll
  }
  let text = reading.text
  let conf = reading.charConfidences
  const entries: string[] = []
  for (let round = 0; round < MAX_REPLACEMENTS; round++) {
    let best: { text: string; gain: number; from: number; to: number; entry: string; loss: number } | null = null
    for (const span of letterSpans(text)) {
      const s = text.slice(span.from, span.to)
      if (lexicon.has(s, without)) continue
      for (const entry of lexicon.near(s, without)) {
        if (round === 0) candidates++
        const next = text.slice(0, span.from) + entry + text.slice(span.to)
        const loss = score(text) - score(next)
        const gain = bias - loss
        if (gain > 0 && (!best || gain > best.gain)) best = { text: next, gain, from: span.from, to: span.to, entry, loss }
      }
    }
    if (!best) break
    conf = replaceConfidences(text, conf, best.from, best.to, best.entry, best.loss)
    text = best.text
    entries.push(best.entry)
  }
  if (!entries.length) return { reading: null, candidates }
  const confidence = conf.length ? conf.reduce((a, b) => a + b, 0) / conf.length : 0
  return { reading: { text, charConfidences: conf, confidence, entries }, candidates }
}

/** The text as output classes, or null when a character is not in the alphabet. */
function encode(text: string, alphabet: Alphabet): number[] | null {
  const out: number[] = []
  for (const ch of text) {
    const c = alphabet.indexOf(ch)
    if (c < 0) return null
    out.push(c)
  }
  return out
}

/**
 * Confidences for the text after `entry` replaced [from, to): the characters around keep theirs; the
 * entry's characters share the evidence the model gave up for it, exp(−loss / length) each — an entry
 * the model nearly read itself is sure, one it took the whole bias to accept is not, and its line stays
 * near the top of the hardest-first list.
 */
function replaceConfidences(text: string, conf: number[], from: number, to: number, entry: string, loss: number): number[] {
  // Confidences are per character (code point), the span per UTF-16 unit.
  const before = [...text.slice(0, from)].length
  const removed = [...text.slice(from, to)].length
  const added = [...entry].length
  const each = Math.exp(-Math.max(0, loss) / Math.max(1, added))
  return [...conf.slice(0, before), ...new Array<number>(added).fill(each), ...conf.slice(before + removed)]
}
