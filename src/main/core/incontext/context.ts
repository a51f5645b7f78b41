import { distance } from 'fastest-levenshtein'
import { noContextDecision, type ContextDecision, type ContextGate } from '../../../shared/api'
import type { Alphabet } from '../recognize/alphabet'
import { classMap, normalizeScripts, type Script } from '../recognize/scripts'
import type { Alignment } from './align'
import { BatchAlphabet, MAX_NEW_CLASSES } from './batch-alphabet'
import { CaseCounts } from './case-convention'
import { MarkSpacing } from './mark-spacing'
import { calibrate, counts } from './calibrate'
import { refreshed, relabel, takeSnapshot } from './evidence'
import { ClassKinds, isotropic, widened } from './gate'
import { LetterContextCounts, noLetterContext } from './letter-context'
import { noSpacing, SpacingCounts } from './spacing'
import { lexiconEntries } from './lexicon'
import { LexiconBook } from './lexicon-book'
import { unfused, type ContextReading, type LineInput, type LineState, type UpdateResult } from './line-state'
import { Reader } from './reread'
import { defaultContextSettings, type ContextSettings } from './settings'
import type { SimilaritySearch } from './similarity'
import type { ContextState } from './state'
import { FrameStores, type Reached, type SavedBatchLists, type SavedEntry, type Touched } from './stores'

export type { ContextReading, LineInput, UpdateResult } from './line-state'
export type { SavedBatchLists, SavedEntry } from './stores'

/** What a named pool keeps of a batch: its frames, its vocabulary, and what the batch decided of both. */
export interface SavedPool {
  entries: SavedEntry[]
  words: string[]
  trust: number
  lexiconBias: number
  /** The gate the batch decided, to start another batch of the same kind from. */
  gate?: ContextGate
  /**
   * The characters the batch learnt that the model cannot write (batch-alphabet.ts): an entry's label
   * model size + i is `classes[i]`. A batch started from the pool numbers them its own way.
   */
  classes?: string[]
}

/**
 * One batch's in-context state, and the one door to it. Two frame stores are built from its corrections
 * (stores.ts); each line's queried frames are fused with their neighbours there and decoded again
 * (reread.ts); the corrections' words make the batch's vocabulary (lexicon-book.ts), which may replace a
 * doubtful word of the reading context gives. How far to trust the frames, and how many nats a word is
 * worth, are chosen per batch by leave-one-out (calibrate.ts). A correction updates only the neighbour
 * lists its entries reach and re-decodes only those lines (past `linesPerUpdate` of them, the rest with
 * `settle`), and re-reads with the vocabulary only the lines its words reach, from cached frames alone;
 * the result equals `recomputeAll` (tested).
 */
export class BatchContext {
  readonly settings: ContextSettings
  private readonly state: ContextState
  private readonly reader: Reader
  /** A saved pool's decision, standing in until this batch's own corrections can be calibrated. */
  private prior = { trust: 0, bias: 0 }
  /** Corrections since the last calibration call for one (see `settle`). */
  private calibrationDue = false
  /**
   * What the last correction reached past the lines it read at once (`linesPerUpdate`): read by `settle`,
   * or first by whatever changes the context next, so every reading is as a full recompute gives it
   * before anything builds on it.
   */
  private readonly pending: Touched = new Map()

  constructor(
    deps: {
      similarity: SimilaritySearch
      alphabet: Alphabet
      dim: number
      /** A line's stored features (frames × dim), for aligning its correction: kept out of memory. */
      features?: (lineId: number) => Float32Array | null
    },
    settings: Partial<ContextSettings> = {},
  ) {
    this.settings = { ...defaultContextSettings, ...settings }
    const lines = new Map<number, LineState>()
    const { gatePrior, gatePrecision } = this.settings
    const alphabet = new BatchAlphabet(deps.alphabet)
    const kinds = new ClassKinds(alphabet, { modelSize: deps.alphabet.size, capacity: deps.alphabet.size + MAX_NEW_CLASSES })
    this.state = {
      settings: this.settings,
      alphabet,
      scriptClasses: null,
      stores: new FrameStores({ ...deps, alphabet }, this.settings),
      book: new LexiconBook(lines),
      lines,
      order: [],
      corrections: [],
      decision: noContextDecision,
      gate: { on: false, weights: gatePrior, kinds, spacing: noSpacing, letters: noLetterContext },
      snapshots: new Map(),
      prior: { chars: isotropic(gatePrior.chars, gatePrecision), gaps: isotropic(gatePrior.gaps, gatePrecision) },
      base: { lines: 0, better: 0, worse: 0, modelEdits: 0, contextEdits: 0, fixed: 0, broken: 0 },
      spacing: new SpacingCounts(),
      cases: new CaseCounts(),
      marks: new MarkSpacing(),
      letters: new LetterContextCounts(alphabet.space),
    }
    this.reader = new Reader(this.state)
  }

  /** Decodes in the batch's scripts from now on (set before the batch's lines are read: a new context). */
  useScripts(scripts: Script[] | null) {
    this.state.scriptClasses = scripts ? classMap(this.state.alphabet.base, normalizeScripts(scripts)) : null
  }

  get decided(): ContextDecision {
    return this.state.decision
  }

  /** Adds lines (with no corrections yet); their queried frames become query rows of the two stores. */
  addLines(inputs: LineInput[]) {
    for (const line of this.state.stores.addLines(inputs)) {
      this.state.lines.set(line.id, line)
      this.state.order.push(line.id)
    }
  }

  /**
   * Lines read after the batch's context was loaded (its recognition goes on while the reviewer works):
   * added, their frames searched against the pool as it stands and read in context at once — as
   * `recomputeAll` would read them. Returns those that context changed. Lines known already are left out.
   */
  async readLines(inputs: LineInput[]): Promise<UpdateResult> {
    const caught = await this.catchUp()
    const fresh = inputs.filter((input) => !this.state.lines.has(input.id))
    const lines = this.state.stores.addLines(fresh)
    for (const line of lines) {
      this.state.lines.set(line.id, line)
      this.state.order.push(line.id)
    }
    const started = performance.now()
    await this.state.stores.searchLines(lines)
    const searched = performance.now()
    const result = this.reader.redecode(new Map(lines.map((line) => [line.id, null])))
    return { ...joined(caught, result), ms: { search: searched - started, calibrate: 0, decode: performance.now() - searched } }
  }

  /** Call when no more lines are coming: the stores give back the room they kept for growth. */
  linesLoaded() {
    this.state.stores.trim()
  }

  /** The reading to show for an uncorrected line: in context when context changed it, else null. */
  reading(lineId: number): ContextReading | null {
    return this.state.lines.get(lineId)?.reading ?? null
  }

  /**
   * Applies a correction (or, with `text` null, takes a line's correction back): its old frames leave
   * the stores, its new aligned frames join them, and the lines they reach are re-decoded; the lexicon
   * reads again the lines its words reach. The batch's trust and bias stay as they are until `settle`.
   */
  async correct(lineId: number, text: string | null): Promise<UpdateResult> {
    const { state, reader } = this
    const line = state.lines.get(lineId)
    // A line that could not be read has no frames: its correction is kept (by the caller), nothing to learn.
    if (!line) return { changed: [], redecoded: 0 }
    const started = performance.now()
    // The last correction's evidence is taken on readings as they stand: none may wait.
    const caught = await this.catchUp()
    const effort = text === null ? undefined : { shown: distance(line.corrected ?? line.reading?.text ?? line.model.text, text), model: distance(line.model.text, text) }
    const alignment = text === null ? null : state.stores.align(line, text)
    // The classes the correction brought (if any) are known to the gate before anything votes for them.
    state.gate.kinds.sync()
    // The evidence: the line as context reads it now, before its own frames join the pool (a line
    // corrected again keeps what it read before its first correction, labelled anew).
    const snapshot = state.snapshots.get(lineId)
    if (text === null) state.snapshots.delete(lineId)
    else if (snapshot) relabel(state, line, snapshot, text, alignment)
    else state.snapshots.set(lineId, takeSnapshot(state, reader, line, text, alignment))
    const conventionsBefore = conventions(state)
    countCorrection(state, line, text, alignment)
    line.corrected = text
    line.knn = null
    line.reading = null
    const reached = await state.stores.replace(line, text, alignment, this.lookedAtNext())
    // So are the ligatures its frames were stored under (ligatures.ts).
    state.gate.kinds.sync()
    state.book.spans.set(lineId, null)
    // Words that join or leave the batch's vocabulary with this correction.
    const words = state.book.update(lineId, text === null ? null : lexiconEntries(text))
    state.corrections = state.corrections.filter((id) => id !== lineId)
    if (text !== null) state.corrections.push(lineId)
    // A line whose correction was taken back is read in context again, all of it.
    if (text === null) reached.touched.set(lineId, null)
    const searched = performance.now()
    const n = state.corrections.length
    const s = this.settings
    state.decision = { ...state.decision, ...counts(state) }
    if (n <= s.calibrateAlwaysUpTo || n % s.calibrateEvery === 0) this.calibrationDue = true
    const again = state.decision.lexiconBias > 0 ? state.book.spans.linesNear(words) : []
    state.book.forget(again)
    // A convention taken up or given back is shown on every line (no decoding: show applies it).
    const rewritten = conventions(state) !== conventionsBefore ? state.order : []
    const now = this.deferPast(this.unitsOf(reached))
    const result = joined(caught, reader.redecode(now))
    const relexed = reader.relex(rewritten.length ? rewritten : again)
    const changed = [...new Set([...result.changed, ...relexed])]
    return { changed, redecoded: result.redecoded, ms: { search: searched - started, calibrate: 0, decode: performance.now() - searched }, effort }
  }

  /**
   * The lines to read now: all of them up to `linesPerUpdate`, else that many, the least confident as
   * shown (the top of the hardest-first list, where the reviewer looks next; a line read whole, a
   * correction taken back, before any); the rest wait in `pending`.
   */
  private deferPast(touched: Touched): Touched {
    const limit = this.settings.linesPerUpdate
    if (touched.size <= limit) return touched
    const shown = new Float64Array(touched.size)
    let i = 0
    for (const [id, frames] of touched) shown[i++] = frames === null ? -1 : orderOf(this.state.lines.get(id))
    const first = lowest(shown, limit)
    // Both parts keep the touched order (the batch's): read in it, lines lie near each other in memory.
    // Nothing waits already: `correct` read it first.
    const now: Touched = new Map()
    i = 0
    for (const [id, frames] of touched) (first[i++] ? now : this.pending).set(id, frames)
    return now
  }

  /** What a change of the stores reached, as the units fusion must read again (with context off, none
   *  is fused: the lines reached are read as they are). */
  private unitsOf({ touched, reweighted }: Reached): Touched {
    return this.state.gate.on ? this.reader.unitsToFuse(touched, reweighted) : touched
  }

  /** Lines (and their frames) to read at the next `catchUp`, beside those waiting already. */
  private wait(lines: Touched) {
    for (const [id, frames] of lines) {
      const waiting = this.pending.get(id)
      this.pending.set(id, frames === null || waiting === null ? null : waiting ? [...waiting, ...frames] : frames)
    }
  }

  /**
   * The lines a correction may change first, when the batch has more than `linesPerUpdate`: that many, the
   * least confident as shown (where the reviewer looks next). Only their rows take the correction's new
   * entries before it replies; the rest take them at `catchUp`.
   */
  private lookedAtNext(): LineState[] | undefined {
    const { lines } = this.state
    const limit = this.settings.linesPerUpdate
    if (lines.size <= limit) return undefined
    const shown = new Float64Array(lines.size)
    let i = 0
    for (const line of lines.values()) shown[i++] = orderOf(line)
    const first = lowest(shown, limit)
    return [...lines.values()].filter((_, j) => first[j] === 1)
  }

  /**
   * What the last correction left waiting: its new entries merged into the rows that did not take them
   * yet (`lookedAtNext`), and the lines they and the correction reached read (nothing when nothing waits).
   */
  private async catchUp(): Promise<UpdateResult> {
    this.wait(this.unitsOf(await this.state.stores.finishMerges()))
    if (!this.pending.size) return { changed: [], redecoded: 0 }
    const result = this.reader.redecode(new Map(this.pending))
    this.pending.clear()
    return result
  }

  /**
   * The lines the last correction left waiting (`linesPerUpdate`), then the calibration due after the
   * corrections applied since the last call (after every one at first, then every few; calibrate.ts): a
   * new gate, or context going on or off, re-reads every line whose rows it moves, a change of bias
   * re-reads every line with the vocabulary; nothing to do when none is due. The worker runs it
   * straight after `correct` has replied, so the correction's own effect is on screen first; what this
   * changes follows moments later (the review screen keeps its focus on the line the reviewer is on).
   */
  async settle(): Promise<UpdateResult> {
    const begun = performance.now()
    const caught = await this.catchUp()
    if (!this.calibrationDue) return { ...caught, ms: { search: 0, calibrate: 0, decode: performance.now() - begun } }
    const { state, reader } = this
    const started = performance.now()
    const gateBefore = state.gate
    const biasBefore = state.decision.lexiconBias
    if (state.corrections.length <= this.settings.refreshEvidenceUpTo) await refreshed(state, reader)
    this.calibrate()
    const calibrated = performance.now()
    // What the lexicon kept of any line may predate words that came while it was off: all are read again.
    const again = state.decision.lexiconBias !== biasBefore ? state.order : []
    state.book.forget(again)
    const moved =
      state.gate.on !== gateBefore.on ||
      (state.gate.on && (state.gate.weights.chars !== gateBefore.weights.chars || state.gate.spacing !== gateBefore.spacing))
    const result = joined(caught, moved ? reader.redecodeAll(true) : { changed: [], redecoded: 0 })
    const relexed = reader.relex(again)
    const changed = [...new Set([...result.changed, ...relexed])]
    return { changed, redecoded: result.redecoded, ms: { search: 0, calibrate: calibrated - started, decode: performance.now() - calibrated } }
  }

  /**
   * Takes a batch's saved corrections (in the order they were made) into the stores without searching or
   * decoding; call `recomputeAll` after. Opening a batch with 600 corrections is then one search, not 600.
   */
  loadCorrections(corrections: Array<{ lineId: number; text: string }>) {
    const { state } = this
    for (const { lineId, text } of corrections) {
      const line = state.lines.get(lineId)
      if (!line) continue
      const alignment = state.stores.load(line, text)
      countCorrection(state, line, text, alignment)
      line.corrected = text
      state.book.spans.set(lineId, null)
      state.book.update(lineId, lexiconEntries(text))
      state.corrections = state.corrections.filter((id) => id !== lineId)
      state.corrections.push(lineId)
    }
    state.gate.kinds.sync()
  }

  /**
   * Adds a saved pool's frames and words (from other batches of the same kind) to the stores and the
   * lexicon, and the trust and bias decided where it was saved as this batch's starting point, until its
   * own corrections can be calibrated. They belong to no line here (line 0), so they are never left out
   * in leave-one-out, nor offered as examples.
   */
  loadSavedPool(pool: Omit<SavedPool, 'trust' | 'lexiconBias'> & Partial<SavedPool>) {
    const { alphabet } = this.state
    const modelSize = alphabet.base.size
    // The pool's new characters become this batch's (the same grapheme, the same class); an entry whose
    // class the pool does not name, or that finds no room, is left out.
    const ours = (pool.classes ?? []).map((g) => alphabet.add(g))
    const entries = pool.entries.flatMap((e) => {
      if (e.label < modelSize) return [e]
      const label = ours[e.label - modelSize] ?? -1
      return label < 0 ? [] : [{ ...e, label }]
    })
    this.state.gate.kinds.sync()
    this.state.stores.addSaved(entries)
    this.state.book.update(0, pool.words)
    this.prior = { trust: pool.trust ?? 0, bias: pool.lexiconBias ?? 0 }
    if (pool.gate) this.startFrom(pool.gate)
  }

  /**
   * The decision the batch had when it was last open, in place of a calibration: `recomputeAll` without
   * one then reads every line as it was read then. (Calibrated afresh, the trust could differ: each
   * calibration keeps the trust before it unless another clearly beats it.)
   */
  restoreDecision(decision: ContextDecision) {
    this.state.decision = { ...decision, ...counts(this.state) }
    const { gate } = decision
    if (gate) {
      this.startFrom(gate)
      const edits = decision.errorsByTrust
      this.state.base = {
        lines: decision.calibrationLines,
        better: gate.better,
        worse: gate.worse,
        modelEdits: edits['0'] ?? 0,
        contextEdits: edits['1'] ?? 0,
        fixed: gate.fixed ?? 0,
        broken: gate.broken ?? 0,
      }
    }
    this.useDecision()
    freezeText(this.state)
  }

  /** A gate decided elsewhere (a saved pool, or this batch before it was closed): in use now, and the prior of later fits. */
  private startFrom(gate: ContextGate) {
    const { gatePrior, gatePrecision } = this.settings
    const chars = widened({ mean: gate.chars, precision: gate.charsPrecision }, isotropic(gatePrior.chars, gatePrecision))
    const gaps = widened({ mean: gate.gaps, precision: gate.gapsPrecision }, isotropic(gatePrior.gaps, gatePrecision))
    this.state.prior = { chars, gaps }
    this.state.gate = { ...this.state.gate, weights: { chars: chars.mean, gaps: gaps.mean } }
  }

  /** Fusion follows the decision: on with its gate when it trusts context (the same weights object while they stand). */
  private useDecision() {
    const { decision, gate } = this.state
    const same = decision.gate && decision.gate.chars === gate.weights.chars && decision.gate.gaps === gate.weights.gaps
    const weights = decision.gate && !same ? { chars: decision.gate.chars, gaps: decision.gate.gaps } : gate.weights
    this.state.gate = { ...gate, on: decision.trust > 0, weights }
  }

  /** Every live frame of both stores and every word of the lexicon, to save as a named pool. */
  savedPool(): Omit<SavedPool, 'trust' | 'lexiconBias'> {
    const classes = [...this.state.alphabet.newClasses]
    return { entries: this.state.stores.savedEntries(), words: this.state.book.lexicon.entries(), ...(classes.length ? { classes } : {}) }
  }

  /**
   * Rebuilds every neighbour list and reading from the stores as they stand (no incremental shortcuts).
   * `recalibrate` false keeps the trust decided so far (to compare with the incremental path). `lists`,
   * saved when the batch was last closed, stand in for a store's search when they were found from the same
   * entries and rows (FrameStores.searchAll).
   */
  async recomputeAll(options: { recalibrate: boolean; lists?: SavedBatchLists } = { recalibrate: true }): Promise<UpdateResult & { restored: number }> {
    // Every line is read here: nothing left waiting needs reading first.
    this.pending.clear()
    for (const line of this.state.lines.values()) {
      line.fused = unfused(line.frames, line.queried.length)
      line.segments = null
      line.knn = null
      line.reading = null
      line.lexicon = null
    }
    const restored = await this.state.stores.searchAll(options.lists)
    if (options.recalibrate) this.calibrate()
    return { ...this.reader.redecodeAll(), restored }
  }

  /** Both stores' neighbour lists, to save when the batch is closed (see recomputeAll), with every merge done. */
  async savedLists(): Promise<SavedBatchLists> {
    this.wait(this.unitsOf(await this.state.stores.finishMerges()))
    return this.state.stores.savedLists()
  }

  private calibrate() {
    this.calibrationDue = false
    const before = this.state.decision.gate
    this.state.decision = calibrate(this.state, this.reader, this.prior)
    const refitted = this.state.decision.gate?.chars !== before?.chars
    this.useDecision()
    // The batch's spacing and letter context move with its gate, not with every correction: a change reads
    // every line again.
    if (refitted || this.state.gate.spacing === noSpacing) freezeText(this.state)
  }
}

/** Marks the `limit` lowest values, ties taken in their order (cut by a sorted copy: a comparator sort of
 *  the lines cost an update more than the reading it saved). */
function lowest(values: Float64Array, limit: number): Uint8Array {
  const cut = Float64Array.from(values).sort()[limit - 1]
  let room = limit - values.filter((c) => c < cut).length
  const marked = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) marked[i] = values[i] < cut || (values[i] === cut && room-- > 0) ? 1 : 0
  return marked
}

/**
 * Where a line stands in the hardest-first list: its confidence as shown; after every unreviewed line
 * when the reviewer has corrected or accepted it (their text stands whatever context reads).
 */
function orderOf(line: LineState | undefined): number {
  return !line || line.corrected !== null ? 2 : (line.reading ?? line.model).confidence
}

/** A line's correction (`text`, aligned on its frames) into the batch's counts of its corrections, in place
 *  of the one it had (null: taken back). */
function countCorrection(state: ContextState, line: LineState, text: string | null, alignment: Alignment | null) {
  if (line.corrected !== null) state.spacing.add(line.corrected, -1)
  if (text !== null) state.spacing.add(text)
  if (line.corrected !== null) state.cases.add(line.model.text, line.corrected, -1)
  if (text !== null) state.cases.add(line.model.text, text)
  if (line.corrected !== null) state.marks.add(line.model.text, line.corrected, -1)
  if (text !== null) state.marks.add(line.model.text, text)
  state.letters.set(line.id, line.frames, text === null ? null : alignment)
}

/** The batch's writing conventions as they stand (case, marks written unspaced), as one comparable key. */
function conventions(state: ContextState): string {
  return `${state.cases.convention()} ${state.marks.unspaced()}`
}

/** The gate with the batch's spacing and letter context as its corrections stand now. */
function freezeText(state: ContextState) {
  state.gate = { ...state.gate, spacing: state.spacing.freeze(state.alphabet), letters: state.letters.freeze() }
}

/** Two reads one after the other as one: every line either changed, each once. */
function joined(first: UpdateResult, second: UpdateResult): UpdateResult {
  if (!first.changed.length && !first.redecoded) return second
  return { ...second, changed: [...new Set([...first.changed, ...second.changed])], redecoded: first.redecoded + second.redecoded }
}
