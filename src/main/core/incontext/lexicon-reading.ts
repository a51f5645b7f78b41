import { classesOf, type Alphabet } from '../recognize/alphabet'
import type { Decoded, Segments } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import { ctcLogLikelihood, type ScoreScratch } from './ctc-score'
import { letterSpans, type Lexicon } from './lexicon'

export interface LexiconReading extends Decoded {
  /** The entries that replaced spans of the reading, in the order they were taken. */
  entries: string[]
}

/** A line as the lexicon reads it: its rows, its reading, and that reading by segment (the decoder's). */
export interface ReadLine {
  frames: LineFrames
  reading: Decoded
  /** How the reading was decoded: runs of frames between certain blanks, and their characters. */
  segments: Segments | null
}

/** Replacements a line may take: a line rarely holds more than two misread words worth fixing. */
const MAX_REPLACEMENTS = 3

/** A run of frames and the text its segments decoded to. */
interface Piece {
  from: number
  to: number
  text: string
}

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
 * Both texts are scored on the segments that hold the span, as the decoder read them: a certain blank
 * ends every path, so the rest of the line has the same likelihood under both and need not be scored
 * (on long lines that is most of it).
 *
 * `without` leaves a corrected line's own entries out (leave-one-out); `memo` keeps log-likelihoods
 * already computed on these frames (calibration tries several biases on the same line).
 * `candidates` is how many entries the reading had near its spans, `windows` the frames scored (pairs
 * from, to): the same reading, bias and lexicon near it give the same answer until the rows of one of
 * those frames change — with no candidates, whatever the rows do.
 */
export function readWithLexicon(
  line: ReadLine,
  lexicon: Lexicon,
  alphabet: Alphabet,
  bias: number,
  options: { without?: number; memo?: Map<string, number>; scratch?: ScoreScratch } = {},
): LexiconResult {
  let candidates = 0
  const windows: number[] = []
  if (bias <= 0 || lexicon.size === 0) return { reading: null, steps: [], candidates, windows }
  const { without, memo = new Map<string, number>(), scratch } = options
  const { frames } = line
  const score = (from: number, to: number, text: string) => {
    const key = `${from}:${to}:${text}`
    let ll = memo.get(key)
    if (ll === undefined) {
      const label = encode(text, alphabet)
      ll = label ? ctcLogLikelihood(window(frames, from, to), label, scratch) : -Infinity
      memo.set(key, ll)
    }
    return ll
  }
  // The reading by segment, cut only once a span has an entry near it (most readings have none).
  let cut: { pieces: Piece[]; lead: number } | null = null
  let text = line.reading.text
  const steps: LexiconStep[] = []
  for (let round = 0; round < MAX_REPLACEMENTS; round++) {
    let best: { gain: number; from: number; to: number; entry: string; loss: number } | null = null
    for (const span of letterSpans(text)) {
      const s = text.slice(span.from, span.to)
      if (lexicon.has(s, without)) continue
      const near = lexicon.near(s, without)
      if (!near.length) continue
      cut ??= piecesOf(line, alphabet)
      const w = windowOf(cut.pieces, span.from + cut.lead, span.to + cut.lead)
      windows.push(w.from, w.to)
      for (const entry of near) {
        if (round === 0) candidates++
        const next = w.text.slice(0, w.spanFrom) + entry + w.text.slice(w.spanTo)
        const loss = score(w.from, w.to, w.text) - score(w.from, w.to, next)
        const gain = bias - loss
        if (gain > 0 && (!best || gain > best.gain)) best = { gain, from: span.from, to: span.to, entry, loss }
      }
    }
    if (!best) break
    cut = { pieces: replaced(cut!.pieces, best.from + cut!.lead, best.to + cut!.lead, best.entry), lead: cut!.lead }
    text = text.slice(0, best.from) + best.entry + text.slice(best.to)
    steps.push({ from: best.from, to: best.to, entry: best.entry, loss: best.loss })
  }
  return { reading: applySteps(line.reading, steps), steps, candidates, windows }
}

/** One replacement: characters [from, to) of the text so far became `entry`, for `loss` nats. */
export interface LexiconStep {
  from: number
  to: number
  entry: string
  loss: number
}

export interface LexiconResult {
  reading: LexiconReading | null
  steps: LexiconStep[]
  candidates: number
  windows: number[]
}

/** A reading after the lexicon's replacements (null for none): its text, and confidences from its own. */
export function applySteps(reading: Decoded, steps: LexiconStep[]): LexiconReading | null {
  if (!steps.length) return null
  let text = reading.text
  let conf = reading.charConfidences
  for (const s of steps) {
    conf = replaceConfidences(text, conf, s.from, s.to, s.entry, s.loss)
    text = text.slice(0, s.from) + s.entry + text.slice(s.to)
  }
  const confidence = conf.length ? conf.reduce((a, b) => a + b, 0) / conf.length : 0
  return { text, charConfidences: conf, confidence, entries: steps.map((s) => s.entry) }
}

/**
 * The reading as pieces of frames with their text, and how many leading characters (spaces the reading
 * leaves out) come before it. Without segments, or where they do not spell the reading (a reading
 * decoded otherwise), the whole line is one piece.
 */
function piecesOf(line: ReadLine, alphabet: Alphabet): { pieces: Piece[]; lead: number } {
  const whole = { pieces: [{ from: 0, to: line.frames.frames, text: line.reading.text }], lead: 0 }
  const s = line.segments
  if (!s) return whole
  const pieces: Piece[] = []
  for (let i = 0; i < s.from.length; i++) {
    let text = ''
    for (let c = s.start[i]; c < s.start[i + 1]; c++) text += alphabet.char(s.chars[c])
    pieces.push({ from: s.from[i], to: s.to[i], text })
  }
  const joined = pieces.map((p) => p.text).join('')
  const lead = joined.length - joined.trimStart().length
  return joined.slice(lead, lead + line.reading.text.length) === line.reading.text && !joined.slice(lead + line.reading.text.length).trim() ? { pieces, lead } : whole
}

/** The pieces holding characters [from, to) of their joined text: their frames and text, the span within. */
function windowOf(pieces: Piece[], from: number, to: number) {
  let at = 0
  let first = -1
  let last = -1
  let start = 0
  for (let i = 0; i < pieces.length; i++) {
    const end = at + pieces[i].text.length
    if (first < 0 && from < end) (first = i), (start = at)
    if (to <= end) {
      last = i
      break
    }
    at = end
  }
  let text = ''
  for (let i = first; i <= last; i++) text += pieces[i].text
  return { from: pieces[first].from, to: pieces[last].to, text, spanFrom: from - start, spanTo: to - start }
}

/** The pieces after `entry` replaced characters [from, to): the pieces it touched become one. */
function replaced(pieces: Piece[], from: number, to: number, entry: string): Piece[] {
  const w = windowOf(pieces, from, to)
  const first = pieces.findIndex((p) => p.from === w.from)
  const last = pieces.findIndex((p) => p.to === w.to)
  const text = w.text.slice(0, w.spanFrom) + entry + w.text.slice(w.spanTo)
  return [...pieces.slice(0, first), { from: w.from, to: w.to, text }, ...pieces.slice(last + 1)]
}

/** Frames [from, to) of a line, as a line of their own (views, no copies). */
function window(f: LineFrames, from: number, to: number): LineFrames {
  if (from === 0 && to === f.frames) return f
  return {
    ...f,
    frames: to - from,
    topIndex: f.topIndex.subarray(from * f.k, to * f.k),
    topProb: f.topProb.subarray(from * f.k, to * f.k),
    blank: f.blank.subarray(from, to),
    features: f.features.subarray(0, 0),
  }
}

/** The text as output classes (grapheme by grapheme: a batch's "aͤ" is one), or null when one is not in the alphabet. */
function encode(text: string, alphabet: Alphabet): number[] | null {
  const out = classesOf(text, alphabet)
  return out.includes(-1) ? null : out
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
