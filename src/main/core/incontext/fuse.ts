// Fusion: a line's frames with their neighbours' votes, judged by the batch's gate — a character run
// (fuseRun), a gap between characters (fuseGap), a whole line (fuseRows). The rows it writes: frame-rows.ts.
import type { LineFrames } from '../recognize/frames'
import { Ballot } from './ballot'
import { CHAR_FEATURES, GAP_FEATURES, charFeatures, gapFeatures, gateProbability, type ClassKinds, type GateWeights } from './gate'
import { besideRun, charAt, charsAround, modelRow, nearestIs, nextChar, probOf, putRanked, quantize, shareRow, written } from './frame-rows'
import type { LetterContext } from './letter-context'
import type { SpacingLookup } from './spacing'
import { charFrames } from './stores'
import type { FramePool } from './pool'
import type { ContextSettings } from './settings'

/**
 * A frame's nearest pool entries: `count` (≤ k) similarities and entry ids, best first, at `sims[at + i]`
 * and `ids[at + i]`. An offset into the index's own arrays rather than subarrays: fusing reads millions of
 * these per correction early on, and two subarrays each were most of its garbage.
 */
export interface FrameNeighbours {
  sims: Float32Array
  ids: Int32Array
  at: number
  count: number
}

/** Candidates a fused row can hold before it is cut back to top-k. */
const MAX = 96

/**
 * Working arrays for fusion, reused from call to call: fusing runs millions of times per correction early
 * in a batch, and fresh arrays each time were most of its garbage. One per context (never shared between
 * threads or interleaved calls: every call finishes with them before it returns).
 */
export class FuseScratch {
  readonly cls = new Int32Array(MAX)
  readonly prob = new Float64Array(MAX)
  readonly ballot = new Ballot()
  readonly charX = new Float64Array(CHAR_FEATURES)
  readonly gapX = new Float64Array(GAP_FEATURES)
  /** A run judged whole, and its two parts where it may hold two characters (fuseRun). */
  readonly whole = new Judged()
  readonly first = new Judged()
  readonly second = new Judged()
  /** A line's new rows, each at its own offset, compared with the old before they are copied. */
  rowIndex = new Uint16Array(0)
  rowProb = new Float32Array(0)
}

/** What fusion decides with: the batch's gate (gate.ts), whether context acts at all, and the alphabet's kinds. */
export interface FuseGate {
  on: boolean
  weights: GateWeights
  kinds: ClassKinds
  /** The batch's spacing as it stood at the last calibration. */
  spacing: SpacingLookup
  /** What the batch's reviewer wrote where the model read a character between two others (letter-context.ts),
   *  as it stood at the last calibration. */
  letters: LetterContext
}

/** Told each contested unit's evidence as it is fused (to keep a corrected line's as examples). */
export type UnitSink = (unit: { gap: boolean; q0: number; q1: number; x: Float64Array; vote: number; model: number; p: number }) => void

/**
 * Fuses one character — the run of consecutive queried frames `queried[q0..q1)` where the model reads the
 * same character — with its neighbours' vote, written into `outIndex`/`outProb` at t · k. The vote is
 * pooled over the run and acts on all its frames (fused frame by frame, an edge frame with no close
 * neighbour kept the model's reading while the middle took the vote's: "fax" became "fFAX").
 *
 * Where the vote's label v is the model's own m, the rows stay the model's. Where it differs, the gate
 * gives g, the probability that v is right rather than m, and each frame's mass of the two is shared
 * between them as g : 1 − g (other classes and the blank untouched): the character read is v when g > ½,
 * and its confidence is what the gate believes, so a change context is unsure of stays near the top of
 * the hardest-first list. `decided[q]` gets v where it took over the frame, else -1.
 */
export function fuseRun(
  f: LineFrames,
  queried: Int32Array,
  q0: number,
  q1: number,
  neighbour: (q: number) => FrameNeighbours,
  pool: FramePool,
  gate: FuseGate,
  s: ContextSettings,
  outIndex: Uint16Array,
  outProb: Float32Array,
  decided: Int32Array,
  scratch: FuseScratch,
  sink?: UnitSink,
): void {
  for (let q = q0; q < q1; q++) modelRow(f, queried[q], outIndex, outProb)
  decided.fill(-1, q0, q1)
  if (!gate.on && !sink) return
  const m = charAt(f, queried[q0])
  if (m < 0) return
  const whole = scratch.whole
  judgeSpan(f, queried, q0, q1, m, neighbour, pool, gate, s, scratch, whole, !!sink)
  if (whole.vote < 0) return
  // Two characters the model read as one ("ch" in Fraktur, read "d"): the run's first frames vote for one
  // label and its last for another. Each part is judged alone, and the split stands only when the gate
  // settles both (a part left to the model would add its character: "cd"). A unanimous run has none.
  if (scratch.ballot.size > 1 && q1 - q0 > 1) {
    const split = splitAt(queried, q0, q1, neighbour, pool, s)
    if (split > 0) {
      const { first, second } = scratch
      judgeSpan(f, queried, q0, split, m, neighbour, pool, gate, s, scratch, first, !!sink)
      judgeSpan(f, queried, split, q1, m, neighbour, pool, gate, s, scratch, second, !!sink)
      const settled = (j: Judged) => j.vote === m || j.p > 0.5
      if (first.vote >= 0 && second.vote >= 0 && first.vote !== second.vote && settled(first) && settled(second)) {
        apply(f, queried, q0, split, m, first, gate, outIndex, outProb, decided, scratch, sink)
        apply(f, queried, split, q1, m, second, gate, outIndex, outProb, decided, scratch, sink)
        return
      }
    }
  }
  apply(f, queried, q0, q1, m, whole, gate, outIndex, outProb, decided, scratch, sink)
}

/** Writes a judged span's rows (nothing where its vote is the model's own). */
function apply(
  f: LineFrames,
  queried: Int32Array,
  a: number,
  b: number,
  m: number,
  j: Judged,
  gate: FuseGate,
  outIndex: Uint16Array,
  outProb: Float32Array,
  decided: Int32Array,
  scratch: FuseScratch,
  sink?: UnitSink,
) {
  if (j.vote === m) return
  sink?.({ gap: false, q0: a, q1: b, x: j.x, vote: j.vote, model: m, p: j.p })
  if (!gate.on) return
  for (let q = a; q < b; q++) decided[q] = shareRow(f, queried[q], m, j.vote, j.p, outIndex, outProb, scratch.cls, scratch.prob) ? j.vote : -1
}

/** A span's vote and how far the gate believes it (vote: the model's own, or -1 for none). */
export class Judged {
  vote = -1
  p = 0
  /** Its features (copied from the scratch only for a corrected line's evidence). */
  x = new Float64Array(CHAR_FEATURES)
}

/** Judges the vote on frames queried[a..b) of a character the model reads as m, into `out`. */
function judgeSpan(
  f: LineFrames,
  queried: Int32Array,
  a: number,
  b: number,
  m: number,
  neighbour: (q: number) => FrameNeighbours,
  pool: FramePool,
  gate: FuseGate,
  s: ContextSettings,
  scratch: FuseScratch,
  out: Judged,
  keep: boolean,
): void {
  const { ballot, charX: x } = scratch
  ballot.clear()
  for (let q = a; q < b; q++) ballot.add(neighbour(q), pool, s.voteWindow, s.temperature)
  ballot.decide()
  separateLigature(f, queried, a, b, gate.kinds, ballot)
  if (ballot.top === m) raiseAdded(ballot, gate.kinds)
  const v = ballot.top
  out.p = 0
  out.vote = v < 0 ? -1 : v
  if (v < 0 || v === m) return
  let pm = 0
  let pv = 0
  // A class the batch added (ſ where the model reads f) has no probability of the model's to weigh: the
  // model has no opinion between it and its own reading, and the odds stand even. The neighbours decide,
  // as for any other change, through the rest of the gate's evidence.
  const unwritten = v >= gate.kinds.modelSize
  for (let q = a; q < b; q++) {
    const t = queried[q]
    const mass = Math.max(1e-6, 1 - f.blank[t])
    const p = probOf(f, t, m) / mass
    pm += p
    pv += unwritten ? p : probOf(f, t, v) / mass
  }
  pm /= b - a
  pv /= b - a
  // The vote's label on a character frame right beside the span: the two would read as one character.
  const collapse = besideIs(f, queried[a] - 1, v, s) || besideIs(f, queried[b - 1] + 1, v, s)
  // The characters the model writes around the span (a space or the line's end: a word's edge).
  const letters = gate.kinds.added[v] ? gate.letters.logOdds(v, m, ...besideRun(f, queried[a], queried[b - 1])) : 0
  charFeatures(x, ballot, m, { pm, pv, collapse, letters }, gate.kinds)
  // Where a digit or a sign is at stake, the gate never believes the vote more than the vote does itself:
  // its share of the weight, times what n agreeing corrected lines can claim against imagined lines that
  // disagree — one for a sign, n / (n + 1), so that one look-alike (1/2) never overrules a frame; two for a
  // digit (a split vote between two other digits never changes one, nor two lines' word: "63.80" became
  // "83.80"); three for a letter read for a digit or back (O/0, S/5), and eight for a digit read as a
  // letter beside another digit — a number's own digit ("75M" became "7SM", "43800" "438OO" beside a pool
  // of "SELANGOR"s) — or a letter read as a digit between two letters, a word's own letter ("Slip" became
  // "S1IP", "BOPP" "B0PP"). Letters between themselves are left to the gate: in a Fraktur batch of 45 books a
  // book's print shows in a few corrected lines only.
  let p = gateProbability(gate.weights.chars, x)
  if (x[13]) {
    const lines = ballot.lineCount[ballot.topAt]
    let doubters = x[11] ? 3 : x[10] ? 2 : 1
    if (x[11]) {
      const isChar = charFrames(f, gate.kinds.space, s.minCharMass)
      const { digit, letter } = gate.kinds
      if (digit[m] && (nearestIs(f, queried[a], -1, isChar, digit) || nearestIs(f, queried[b - 1], 1, isChar, digit))) doubters = 8
      else if (letter[m] && nearestIs(f, queried[a], -1, isChar, letter) && nearestIs(f, queried[b - 1], 1, isChar, letter)) doubters = 8
    }
    p = Math.min(p, (ballot.weight[ballot.topAt] / ballot.total) * (lines / (lines + doubters)))
  }
  // Case is the reviewer's convention, not the frames' look: context changes a letter's case only the way
  // the reviewer has changed the model's case on two corrected lines at least — of that letter, or of any
  // in lines that write words (receipts transcribed in capitals do so from their first corrections). The
  // frame features hold case poorly — the model reads it with the line in view — and a forms batch whose
  // reviewer never changed case went on after 13 corrections, most of them lines in lower case, and read
  // 160 labels in lower case ("MARKET" "market") at 0.91–0.96 confidence until an upper-case line joined
  // the pool. A form's ticks corrected "X" → "x" count for "x" alone: counted as lines turning case down,
  // they had let context read "Alabama" as "alabama" (forms-dev batch 24). A saved pool brings its own
  // convention.
  if (x[1] && !pool.hasSaved && pool.caseChangeLines(v) < 2 && pool.caseTurnLines(gate.kinds.folded[v] !== v) < 2) p = 0
  out.p = p
  if (keep) out.x.set(x)
}

/**
 * A vote for a ligature ("ch", ligatures.ts) where the model writes its last letter right after the span,
 * or its first right before, is a vote for the one letter of the pair the span holds: the two letters are
 * printed apart there, and the pair would read them twice ("dh" for "ch" read "chh").
 */
function separateLigature(f: LineFrames, queried: Int32Array, a: number, b: number, kinds: ClassKinds, ballot: Ballot) {
  const v = ballot.top
  const first = v >= 0 ? kinds.ligatureFirst[v] : -1
  if (first < 0) return
  const last = kinds.ligatureLast[v]
  const isWritten = written(f)
  if (nextChar(f, queried[b - 1], 1, isWritten) === last) ballot.fold(v, first)
  else if (nextChar(f, queried[a], -1, isWritten) === first) ballot.fold(v, last)
  else return
  ballot.decide()
}

/**
 * Where the model's own class leads the vote but a class the batch added holds a share of it (ſ beside
 * the f the model reads: their frames look alike, and the vote splits), that class is what the gate is
 * asked about: its share and its own weight (gate.ts x[16]) say how far to believe it, and the mass it
 * gets lets the vocabulary choose between the two readings ("ſagte" for "fagte"). Fraktur-dev's diplomatic
 * labels, 20 % corrected: ſ read in the rest 88.4 → 89.4 %, CER 6.15 → 6.07 % (normalised 5.57 → 5.54 %).
 */
function raiseAdded(ballot: Ballot, kinds: ClassKinds) {
  let best = -1
  for (let i = 0; i < ballot.size; i++) {
    if (kinds.added[ballot.label[i]] && (best < 0 || ballot.weight[i] > ballot.weight[best])) best = i
  }
  if (best >= 0) ballot.raise(ballot.label[best])
}

/** Whether frame t is a character frame the model reads as v. */
function besideIs(f: LineFrames, t: number, v: number, s: ContextSettings): boolean {
  return t >= 0 && t < f.frames && 1 - f.blank[t] >= s.minCharMass && charAt(f, t) === v
}

/**
 * Where a run's frames change from voting for one label to another (each frame's own vote, frames with no
 * neighbour skipped), when they do so once: the first frame of the second label; else -1.
 */
function splitAt(queried: Int32Array, q0: number, q1: number, neighbour: (q: number) => FrameNeighbours, pool: FramePool, s: ContextSettings): number {
  if (q1 - q0 < 2) return -1
  let first = -1
  let second = -1
  let at = -1
  for (let q = q0; q < q1; q++) {
    const top = frameVote(neighbour(q), pool, s)
    if (top < 0) continue
    if (first < 0) first = top
    else if (second < 0 && top !== first) (second = top), (at = q)
    else if (second >= 0 && top !== second) return -1
  }
  return at
}

/** A frame's own vote: the label with the most weight among its neighbours within the vote window (-1: none). */
function frameVote(n: FrameNeighbours, pool: FramePool, s: ContextSettings): number {
  let best = -1
  let bestW = 0
  for (let i = 0; i < n.count && n.sims[n.at] - n.sims[n.at + i] <= s.voteWindow; i++) {
    const label = pool.label(n.ids[n.at + i])
    let w = 0
    for (let j = 0; j < n.count && n.sims[n.at] - n.sims[n.at + j] <= s.voteWindow; j++) {
      if (pool.label(n.ids[n.at + j]) === label) w += Math.exp(-(1 - n.sims[n.at + j]) / s.temperature)
    }
    if (w > bestW) (bestW = w), (best = label)
  }
  return best
}

/**
 * A gap query: the frame of a blank run between two characters where the model gives the space most, or a
 * frame the model reads as a space. The gate answers whether a space belongs there, from the model's own
 * space probability, the run's width, the neighbours' vote between stored spaces and stored plain gaps
 * (blank runs between characters in corrected lines), and how the batch spaces these two characters
 * (gate.ts). Where it answers otherwise than the model, the frame's mass of space and blank is shared as
 * it believes; else the model's row stays. Returns the label (space or blank) put in place of the
 * model's, else -1. `pitch` is the line's frames per character.
 */
export function fuseGap(
  f: LineFrames,
  t: number,
  n: FrameNeighbours,
  pool: FramePool,
  space: number,
  gate: FuseGate,
  s: ContextSettings,
  pitch: number,
  outIndex: Uint16Array,
  outProb: Float32Array,
  scratch: FuseScratch,
  sink?: UnitSink,
  q = -1,
): number {
  modelRow(f, t, outIndex, outProb)
  if (!gate.on && !sink) return -1
  const { ballot, gapX: x } = scratch
  ballot.clear()
  ballot.add(n, pool, s.voteWindow, s.temperature)
  const at = ballot.indexOf(space)
  const gapAt = ballot.indexOf(0)
  const vote = ballot.total > 0 ? ((at < 0 ? 0 : ballot.weight[at]) - (gapAt < 0 ? 0 : ballot.weight[gapAt])) / ballot.total : 0
  const pSpace = probOf(f, t, space)
  const m = pSpace > f.blank[t] ? space : 0
  const isChar = charFrames(f, space, s.minCharMass)
  // The characters around the gap, and one further on each side (a number's separator may stand between).
  const around = charsAround(f, t, isChar)
  const [a, b] = [around[1], around[2]]
  const digit = (c: number) => c > 0 && !!gate.kinds.digit[c]
  const separator = (c: number) => c > 0 && !!gate.kinds.separator[c]
  // Inside a number: digits on both sides, or beyond a separator ("0.|34", "16:|58", "0|0").
  const sideDigit = (near: number, far: number) => digit(near) || (separator(near) && digit(far))
  const inNumber = sideDigit(a, around[0]) && sideDigit(b, around[3])
  gapFeatures(x, {
    pSpace,
    run: (around[5] - around[4] - 1) / pitch,
    vote,
    nearest: n.count ? n.sims[n.at] : -1,
    spacing: a > 0 && b > 0 ? gate.spacing.logit(a, b) : 0,
    numberInside: inNumber,
    modelSpace: m === space,
  })
  // A space goes inside a number ("0.34" → "0. 34", "000164" → "0 0 0164") only where the batch itself
  // spaces these two characters more often than not.
  const held = x[6] === 1 && m !== space && x[5] <= 0
  const g = held ? Math.min(0.5, gateProbability(gate.weights.gaps, x)) : gateProbability(gate.weights.gaps, x)
  sink?.({ gap: true, q0: q, q1: q + 1, x, vote: space, model: m, p: g })
  if (!gate.on || g > 0.5 === (m === space)) return -1
  const both = pSpace + f.blank[t]
  const spaceP = quantize(g * both)
  const blankP = quantize((1 - g) * both)
  // The row becomes: space and blank with their shared probabilities, then the model's other classes
  // (ties ranked in that order).
  const k = f.k
  const base = t * k
  let filled = putRanked(outIndex, outProb, base, k, 0, space, spaceP)
  filled = putRanked(outIndex, outProb, base, k, filled, 0, blankP)
  for (let j = 0; j < k; j++) {
    const c = f.topIndex[base + j]
    if (c !== space && c !== 0) filled = putRanked(outIndex, outProb, base, k, filled, c, quantize(f.topProb[base + j]))
  }
  for (let i = filled; i < k; i++) (outIndex[base + i] = 0), (outProb[base + i] = 0)
  return g > 0.5 ? space : 0
}

/**
 * Fuses the given queried frames of a line (all of them when `which` is omitted) into its fused rows.
 * Frames are fused in units — a gap frame alone, a character's run of frames together — so a frame in
 * `which` brings its whole unit: `sameUnit(q)` says whether q continues the unit of q − 1. `fuseUnit` (fuseRun or fuseGap) writes each unit's rows and
 * decided labels; frames never queried keep the model's rows. True when a row changed; `dirty`, when
 * given, gets a 1 at every frame whose row changed. `out`'s arrays may be the model's own (`f`'s): they
 * are then replaced by copies before the first write.
 */
export function fuseRows(
  f: LineFrames,
  queried: Int32Array,
  sameUnit: (q: number) => boolean,
  fuseUnit: (q0: number, q1: number, outIndex: Uint16Array, outProb: Float32Array, decided: Int32Array) => void,
  out: { index: Uint16Array; prob: Float32Array; decided: Int32Array },
  scratch: FuseScratch,
  which?: number[],
  dirty?: Uint8Array,
): boolean {
  const k = f.k
  // Each frame's new row is written at its own offset in a scratch line, then compared with the old.
  if (scratch.rowIndex.length < f.topIndex.length) {
    scratch.rowIndex = new Uint16Array(2 * f.topIndex.length)
    scratch.rowProb = new Float32Array(2 * f.topIndex.length)
  }
  const { rowIndex, rowProb } = scratch
  const asked = which ? Int32Array.from(which).sort() : null
  const count = asked ? asked.length : queried.length
  let changed = false
  let done = 0
  for (let i = 0; i < count; i++) {
    let q0 = asked ? asked[i] : i
    if (q0 < done) continue
    while (q0 > 0 && sameUnit(q0)) q0--
    let q1 = q0 + 1
    while (q1 < queried.length && sameUnit(q1)) q1++
    done = q1
    fuseUnit(q0, q1, rowIndex, rowProb, out.decided)
    for (let q = q0; q < q1; q++) {
      const t = queried[q]
      for (let j = t * k; j < (t + 1) * k; j++) {
        if (rowIndex[j] !== out.index[j] || rowProb[j] !== out.prob[j]) {
          // Rows start as the model's own arrays (shared, never written): the first change copies them.
          if (out.index === f.topIndex) (out.index = f.topIndex.slice()), (out.prob = f.topProb.slice())
          changed = true
          if (dirty) dirty[t] = 1
          for (let i = t * k; i < (t + 1) * k; i++) (out.index[i] = rowIndex[i]), (out.prob[i] = rowProb[i])
          break
        }
      }
    }
  }
  return changed
}
