import { distance } from 'fastest-levenshtein'
import { noContextDecision, type ContextDecision } from '../../../shared/api'
import { decodeSegments, joinSegments } from '../recognize/ctc'
import { chooseBias, chooseTrust } from './choose-trust'
import { readWithLexicon, type ReadLine } from './lexicon-reading'
import { unfused, type LineState } from './line-state'
import type { Reader } from './reread'
import type { ContextState } from './state'

type Counts = Pick<ContextDecision, 'poolEntries' | 'correctedLines' | 'unaligned' | 'lexiconEntries'>

const sum = (d: number[]) => d.reduce((a, b) => a + b, 0)

/** What the decision counts of the batch's pool, kept current after every correction. */
export function counts(state: ContextState): Counts {
  return {
    poolEntries: state.stores.liveCount,
    correctedLines: state.corrections.length,
    unaligned: state.corrections.filter((id) => state.lines.get(id)!.entries.chars.length === 0).length,
    lexiconEntries: state.book.lexicon.size,
  }
}

/**
 * The batch's decision by leave-one-out: the most recent corrected lines are read again in context
 * without their own frames, at each candidate trust, and the trust with the fewest edits against what
 * the reviewer typed is kept if it passes a sign test against the model alone (choose-trust.ts); then
 * the lexicon's bias likewise. With fewer than `minCorrections` corrections, a saved pool's own decision
 * (`prior`) stands in.
 */
export async function calibrate(state: ContextState, reader: Reader, prior: { trust: number; bias: number }): Promise<ContextDecision> {
  const counted = counts(state)
  if (counted.correctedLines < state.settings.minCorrections) {
    // Too little evidence from this batch: a saved pool's own decided trust stands in.
    return {
      ...noContextDecision,
      ...counted,
      trust: state.stores.chars.pool.liveCount ? prior.trust : 0,
      lexiconBias: state.book.lexicon.size ? prior.bias : 0,
    }
  }
  const { replayed, ...trust } = await calibrateTrust(state, reader)
  return { ...counted, ...trust, ...calibrateLexicon(state, reader, replayed) }
}

/**
 * The trust, and each replayed line as read at that trust without its own frames (its fused rows and
 * their decoding; none at trust 0), which the lexicon's calibration reads further.
 */
async function calibrateTrust(
  state: ContextState,
  reader: Reader,
): Promise<Pick<ContextDecision, 'trust' | 'calibrationLines' | 'errorsByTrust'> & { replayed: Map<number, ReadLine> }> {
  const { settings: s, alphabet } = state
  const corrected: LineState[] = []
  let frames = 0
  for (let i = state.corrections.length - 1; i >= 0 && corrected.length < s.calibrationLines && frames < s.calibrationFrames; i--) {
    const line = state.lines.get(state.corrections[i])!
    corrected.push(line)
    frames += line.queried.length
  }
  const replayed = new Map<number, Map<number, ReadLine>>()
  if (state.stores.chars.pool.liveCount === 0) return { trust: 0, calibrationLines: corrected.length, errorsByTrust: {}, replayed: new Map() }
  const loo = await state.stores.leaveOneOut(corrected)
  const alone = corrected.map((line) => distance(line.model.text, line.corrected!))
  const errorsByTrust: Record<string, number> = { '0': sum(alone) }
  const edits = new Map<number, number[]>([[0, alone]])
  for (const trust of s.trustGrid) {
    if (trust === 0) continue
    const atTrust = new Map<number, ReadLine>()
    const d = corrected.map((line, i) => {
      const fused = unfused(line.frames, line.queried.length)
      reader.fuse(line, (q) => loo[i][q], trust, fused)
      const frames = { ...line.frames, topIndex: fused.index, topProb: fused.prob }
      const segments = decodeSegments(frames, alphabet)
      const reading = joinSegments(segments, alphabet)
      atTrust.set(line.id, { frames, reading, segments })
      return distance(reading.text, line.corrected!)
    })
    replayed.set(trust, atTrust)
    edits.set(trust, d)
    errorsByTrust[String(trust)] = sum(d)
  }
  const trust = chooseTrust(edits, state.decision.trust, s.minGain)
  return { trust, calibrationLines: corrected.length, errorsByTrust, replayed: replayed.get(trust) ?? new Map() }
}

/**
 * The lexicon's bias: the most recent corrected lines read with the lexicon of every other corrected
 * line. Those the trust's calibration just replayed are read as it read them, in context without their
 * own frames — the lexicon acts on that reading in use ("AMOuNT" after context, not the model's
 * "amount"). The others (many more than the trust replays: reading them needs no neighbour search)
 * are read from the model's own reading, their edits kept until a word that can change them comes.
 */
function calibrateLexicon(
  state: ContextState,
  reader: Reader,
  replayed: Map<number, ReadLine>,
): Pick<ContextDecision, 'lexiconBias' | 'lexiconCalibrationLines' | 'errorsByBias'> {
  const { settings: s, alphabet, book } = state
  const lines = state.corrections.slice(-s.lexiconCalibrationLines).map((id) => state.lines.get(id)!)
  const grid = s.lexiconBiasGrid
  const editsOf = (line: LineState, read: ReadLine) => {
    const memo = new Map<string, number>()
    const alone = distance(read.reading.text, line.corrected!)
    // From the largest bias down: a line with no entry near its spans reads the same at every bias.
    const edits = new Map<number, number>()
    let clear = false
    for (const bias of [...grid].sort((a, b) => b - a)) {
      if (clear || bias === 0) {
        edits.set(bias, alone)
        continue
      }
      const found = readWithLexicon(read, book.lexicon, alphabet, bias, { without: line.id, memo, scratch: reader.scoreScratch })
      clear = !found.candidates
      edits.set(bias, found.reading ? distance(found.reading.text, line.corrected!) : alone)
    }
    return grid.map((bias) => edits.get(bias)!)
  }
  const perLine = lines.map((line) => {
    const replay = replayed.get(line.id)
    if (replay) return editsOf(line, replay)
    // Cut into segments to be scored a word at a time (once: the edits are kept).
    return (line.lexiconEdits ??= editsOf(line, { frames: line.frames, reading: line.model, segments: decodeSegments(line.frames, alphabet) }))
  })
  const edits = new Map(grid.map((bias, b) => [bias, perLine.map((d) => d[b])]))
  const errorsByBias = Object.fromEntries([...edits].map(([bias, d]) => [String(bias), sum(d)]))
  return { lexiconBias: chooseBias(edits, state.decision.lexiconBias, s.lexiconHarmRatio), lexiconCalibrationLines: lines.length, errorsByBias }
}
