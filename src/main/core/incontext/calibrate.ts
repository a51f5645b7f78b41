import { distance } from 'fastest-levenshtein'
import type { ContextDecision, ContextGate } from '../../../shared/api'
import { decodeSegments } from '../recognize/ctc'
import { chooseBias, clearlyAhead } from './choose-bias'
import { fitGate, type GateExample } from './gate'
import { readWithLexicon, type ReadLine } from './lexicon-reading'
import type { LineState } from './line-state'
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
 * The batch's decision, from its corrections as context would have read them just before each was made
 * (evidence.ts): the gate is fitted on their contested units, shrunk toward its prior; context acts at
 * all only when, on those lines, it helped clearly more than it harmed (a sign test, as before); then the
 * lexicon's bias. With fewer than `minCorrections`
 * corrections the decision a saved pool brought (`prior`) stands.
 */
export function calibrate(state: ContextState, reader: Reader, prior: { trust: number; bias: number }): ContextDecision {
  const counted = counts(state)
  const { settings: s, base } = state
  const examples: GateExample[] = []
  let { lines, better, worse, modelEdits, contextEdits } = base
  for (const snapshot of state.snapshots.values()) {
    examples.push(...snapshot.examples)
    lines++
    modelEdits += snapshot.modelEdits
    contextEdits += snapshot.contextEdits
    if (snapshot.contextEdits < snapshot.modelEdits) better++
    else if (snapshot.contextEdits > snapshot.modelEdits) worse++
  }
  const chars = fitGate(
    examples.filter((e) => !e.gap),
    state.prior.chars,
  )
  const gaps = fitGate(
    examples.filter((e) => e.gap),
    state.prior.gaps,
  )
  const gate: ContextGate = {
    chars: chars.mean,
    gaps: gaps.mean,
    charsPrecision: chars.precision,
    gapsPrecision: gaps.precision,
    examples: examples.length,
    better,
    worse,
  }
  const enough = counted.correctedLines >= s.minCorrections
  // The sign test alone, and fewer edits in all: the share of edits removed is no measure here, as the
  // first corrections are the hardest lines (forms-dev: 400 lines better, 140 worse, yet 4 % of the edits
  // of lines that are mostly handwriting).
  const helped = clearlyAhead(better, worse) && contextEdits < modelEdits
  const trust = enough ? (helped ? 1 : 0) : state.stores.chars.pool.liveCount ? prior.trust : 0
  const evidence = { trust, calibrationLines: lines, errorsByTrust: { '0': modelEdits, '1': contextEdits }, gate }
  if (!enough) return { ...state.decision, ...counted, ...evidence, lexiconBias: state.book.lexicon.size ? prior.bias : 0 }
  return { ...state.decision, ...counted, ...evidence, ...calibrateLexicon(state, reader, trust > 0) }
}

/**
 * The lexicon's bias: the most recent corrected lines read with the lexicon of every other corrected
 * line, each from the reading the lexicon would act on — as context read it just before its correction
 * when context acts ("AMOuNT" after context, not the model's "amount"), else the model's. Each line's
 * edits are kept until a word that can change them comes (LexiconBook.update forgets them).
 */
function calibrateLexicon(state: ContextState, reader: Reader, inContext: boolean): Pick<ContextDecision, 'lexiconBias' | 'lexiconCalibrationLines' | 'errorsByBias'> {
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
    const kept = (line.lexiconEdits ??= {})
    const snapshot = inContext ? state.snapshots.get(line.id) : undefined
    if (snapshot) return (kept.context ??= editsOf(line, snapshot.read))
    // Cut into segments to be scored a word at a time (once: the edits are kept).
    return (kept.model ??= editsOf(line, { frames: line.frames, reading: line.model, segments: decodeSegments(line.frames, alphabet) }))
  })
  const edits = new Map(grid.map((bias, b) => [bias, perLine.map((d) => d[b])]))
  const errorsByBias = Object.fromEntries([...edits].map(([bias, d]) => [String(bias), sum(d)]))
  return { lexiconBias: chooseBias(edits, state.decision.lexiconBias, s.lexiconHarmRatio), lexiconCalibrationLines: lines.length, errorsByBias }
}
