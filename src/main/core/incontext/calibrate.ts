import { distance } from 'fastest-levenshtein'
import type { ContextDecision, ContextGate } from '../../../shared/api'
import { decodeSegments } from '../recognize/ctc'
import { contextBeam } from './batch-scripts'
import { chooseBias, clearlyAhead } from './choose-bias'
import { fitGate, type GateExample } from './gate'
import { readWithLexicon, type ReadLine } from './lexicon-reading'
import type { LineState } from './line-state'
import type { Reader } from './reread'
import type { ContextState } from './state'

type Counts = Pick<ContextDecision, 'poolEntries' | 'correctedLines' | 'unaligned' | 'lexiconEntries' | 'conventions'>

const sum = (d: number[]) => d.reduce((a, b) => a + b, 0)

/** What the decision counts of the batch's pool, kept current after every correction. */
export function counts(state: ContextState): Counts {
  return {
    poolEntries: state.stores.liveCount,
    correctedLines: state.corrections.length,
    unaligned: state.stores.unaligned.size,
    lexiconEntries: state.book.lexicon.size,
    conventions: { case: state.cases.convention(), unspacedBefore: state.marks.unspaced() },
  }
}

/**
 * The batch's decision, from its corrections as context would have read them just before each was made
 * (evidence.ts): the gate is fitted on their contested units, shrunk toward its prior; context acts at
 * all only when, on those lines, it helped clearly more than it harmed (a sign test, as before) — while
 * the batch has few corrections, on those lines as it reads them now without their own (`looEdits`); then the
 * lexicon's bias. With fewer than `minCorrections`
 * corrections the decision a saved pool brought (`prior`) stands.
 */
export function calibrate(state: ContextState, reader: Reader, prior: { trust: number; bias: number }): ContextDecision {
  const counted = counts(state)
  const { settings: s, base } = state
  const examples: GateExample[] = []
  let { lines, better, worse, modelEdits, contextEdits, fixed, broken } = base
  for (const snapshot of state.snapshots.values()) {
    examples.push(...snapshot.examples)
    lines++
    // Read again with the whole pool while the batch has few corrections (evidence.ts `refreshed`).
    const edits = snapshot.looEdits ?? snapshot.contextEdits
    modelEdits += snapshot.modelEdits
    contextEdits += edits
    if (edits < snapshot.modelEdits) better++
    else if (edits > snapshot.modelEdits) worse++
    fixed += Math.max(0, snapshot.modelEdits - edits)
    broken += Math.max(0, edits - snapshot.modelEdits)
  }
  // A new gate is fitted once the examples have grown by a quarter since the gate in use: every new gate
  // reads the whole batch again, and gates a few examples apart moved lines near the line between two
  // readings back and forth (forms-dev at 20 %: 11,853 lines returned to a reading they had before).
  const current = state.decision.gate
  const due = !current || examples.length >= Math.max(current.examples * s.refitGrowth, current.examples + s.minRefitExamples)
  const chars = due ? fitGate(examples.filter((e) => !e.gap), state.prior.chars) : null
  const gaps = due ? fitGate(examples.filter((e) => e.gap), state.prior.gaps) : null
  const gate: ContextGate = {
    chars: chars?.mean ?? current!.chars,
    gaps: gaps?.mean ?? current!.gaps,
    charsPrecision: chars?.precision ?? current!.charsPrecision,
    gapsPrecision: gaps?.precision ?? current!.gapsPrecision,
    examples: due ? examples.length : current.examples,
    better,
    worse,
    fixed,
    broken,
  }
  const enough = counted.correctedLines >= s.minCorrections
  // Context goes on when it read more of those lines better than worse, and the characters it would have
  // fixed clearly outnumber those it would have broken (a sign test over characters, held to 3 standard
  // deviations and 8 characters since a line's characters do not come independently: over lines alone, a
  // 5-receipt batch whose reviewer writes capitals had 7 lines better and 2 worse after 24 corrections —
  // 120 characters fixed, 4 broken — and stayed off; unrelated words had 4 fixed and none broken after 15,
  // went on, and undid it 60 corrections later). The share of edits removed is no measure here: the
  // first corrections are the hardest lines (forms-dev: 400 lines better, 140 worse, yet 4 % of the edits
  // of lines that are mostly handwriting). Once on, context stays on while it helps more lines than it
  // harms: a test at its edge would switch it every few corrections.
  const on = state.decision.trust > 0
  const helped = on ? better > worse && contextEdits < modelEdits : better > worse && clearlyAhead(fixed, broken, 3, 8)
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
    return (kept.model ??= editsOf(line, { frames: line.frames, reading: line.model, segments: decodeSegments(line.frames, alphabet, contextBeam(state)) }))
  })
  const edits = new Map(grid.map((bias, b) => [bias, perLine.map((d) => d[b])]))
  const errorsByBias = Object.fromEntries([...edits].map(([bias, d]) => [String(bias), sum(d)]))
  return { lexiconBias: chooseBias(edits, state.decision.lexiconBias, s.lexiconHarmRatio), lexiconCalibrationLines: lines.length, errorsByBias }
}
