import { distance } from 'fastest-levenshtein'
import { noContextDecision, type ContextDecision } from '../../../shared/api'
import type { Alphabet } from '../recognize/alphabet'
import { decodeSegments, joinSegments, type Decoded, type Segments } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import { forceAlign } from './align'
import { Slab } from './slab'
import { chooseBias, chooseTrust } from './choose-trust'
import { closeness, fuseGap, fuseRows, fuseRun, type FrameNeighbours } from './fuse'
import { Lexicon, lexiconEntries, SpanIndex } from './lexicon'
import { applySteps, readWithLexicon, type LexiconResult, type ReadLine } from './lexicon-reading'
import { NeighbourIndex, type Merged, type SavedLists } from './neighbour-index'
import { RowOwners } from './row-owners'
import { defaultContextSettings, type ContextSettings } from './settings'
import type { SimilaritySearch } from './similarity'
import { fromHalfBits, toHalfBits } from '../store/half'

export interface ContextReading extends Decoded {
  /** Corrected lines whose frames decided a change, most influential first. */
  examples: number[]
}

export interface LineInput {
  id: number
  frames: LineFrames
  /** The model's reading alone (the engine's default decoding). */
  model: Decoded
  /** The frames' features as fp16 bits; when given, `frames.features` may be empty. Kept with the line
   *  only when there is no `features` reader to fetch them again (for aligning its correction). */
  half?: Uint16Array
}

type Fused = { index: Uint16Array; prob: Float32Array; decided: Int32Array }

/** A line's features once they are in the stores' query rows (a correction's are read again). */
const NO_FEATURES = new Float32Array(0)


interface LineState extends Omit<LineInput, 'half'> {
  /**
   * The line's features as fp16 bits (frames × dim), only where `deps.features` cannot fetch them from the
   * library. The float32 copy is dropped once the queried frames are in the stores' query matrices; only
   * a correction's alignment needs every frame's features again, and one line's are read in a moment.
   */
  half: Uint16Array | null
  /** Frames read in context: character frames, and gap frames (a blank between two characters where the
   *  model gives a space some chance, or a frame it reads as a space). */
  queried: Int32Array
  /** Per queried frame: 1 when it is a gap, searched in the gap store; 0 for the character store. */
  gap: Uint8Array
  /** Per queried frame: its row in the store it is searched in. */
  row: Int32Array
  corrected: string | null
  entries: { chars: number[]; gaps: number[] }
  /** The line decoded from its fused rows, when that reads otherwise than the model. */
  knn: ContextReading | null
  /** What is shown: `knn`, or the model's reading, after the batch's lexicon; null when that is the model's. */
  reading: ContextReading | null
  /** What the lexicon made of the line last, for which text and bias: it stands until a word near the
   *  line comes or goes, or the rows of a frame it scored change (`windows`). */
  lexicon: (LexiconResult & { text: string; bias: number }) | null
  /** A corrected line's edits in the lexicon's leave-one-out, per bias of the grid: they change only
   *  when a word near its spans changes in the lexicon (`correctedSpans` says which lines those are). */
  lexiconEdits: number[] | null
  /** The line's frames after fusion (its top-k rows), and per queried frame the label context decided. */
  fused: Fused
  /** `fused` decoded segment by segment, or null when it has not been since it last changed. */
  segments: Segments | null
}

/** A batch's neighbour lists, saved when it is closed (NeighbourIndex.saved). */
export interface SavedBatchLists {
  chars: SavedLists
  gaps: SavedLists
}

/** A frame of a named pool: which store, its label, its features. */
export interface SavedEntry {
  store: 'chars' | 'gaps'
  label: number
  features: Float32Array
}

/** What a named pool keeps of a batch: its frames, its vocabulary, and what the batch decided of both. */
export interface SavedPool {
  entries: SavedEntry[]
  words: string[]
  trust: number
  lexiconBias: number
}

export interface UpdateResult {
  /** Uncorrected lines whose context reading changed (text or confidence). */
  changed: number[]
  /** Lines re-decoded (their neighbours or the batch's trust changed). */
  redecoded: number
  /** Where a correction's time went: neighbour lists (search and merge), calibration, re-fusing and decoding. */
  ms?: { search: number; calibrate: number; decode: number }
}

/** The middle frame of every run of non-character frames that has a character frame on both sides. */
export function gapMiddles(frames: number, isChar: (t: number) => boolean): number[] {
  const out: number[] = []
  let lastChar = -1
  for (let t = 0; t < frames; t++) {
    if (!isChar(t)) continue
    if (lastChar >= 0 && t - lastChar > 1) out.push((lastChar + t) >> 1)
    lastChar = t
  }
  return out
}

/**
 * One batch's in-context state. Two frame stores are built from its corrections: characters (every frame
 * forced alignment gave a character) and gaps (the middle of each blank run between characters, and every
 * space). Each line's character frames are searched in the first, its gaps in the second, so a dropped
 * space the model gave some chance can be put back where corrected lines have one — and left out where
 * they have a plain gap. The corrections' words make the batch's vocabulary (lexicon.ts), which may
 * replace a doubtful word of the reading context gives. How far to trust the frames, and how many nats a
 * word is worth, are chosen per batch by leave-one-out. A correction updates only the neighbour lists its
 * entries reach and re-decodes only those lines, and re-reads with the vocabulary only the lines its words
 * reach, from cached frames alone; the result equals `recomputeAll` (tested).
 */
export class BatchContext {
  readonly settings: ContextSettings
  private readonly chars: NeighbourIndex
  private readonly gaps: NeighbourIndex
  private readonly lines = new Map<number, LineState>()
  private readonly owners = { chars: new RowOwners(), gaps: new RowOwners() }
  private readonly lexicon = new Lexicon()
  /** Uncorrected lines by the spans of the text the lexicon reads (`knn`, else the model's); kept while
   *  the lexicon is on. */
  private readonly spans = new SpanIndex()
  /** Corrected lines by the spans of the model's reading, which the lexicon's leave-one-out reads. */
  private readonly correctedSpans = new SpanIndex()
  private order: number[] = []
  private correctionOrder: number[] = []
  /** The per-line arrays kept while the batch is open (slab.ts). */
  private readonly slab = new Slab()
  private priorTrust = 0
  private priorBias = 0
  private decision: ContextDecision
  /** Corrections since the last calibration call for one (see `settle`). */
  private calibrationDue = false

  constructor(
    private readonly deps: {
      similarity: SimilaritySearch
      alphabet: Alphabet
      dim: number
      /** A line's stored features (frames × dim), for aligning its correction: kept out of memory. */
      features?: (lineId: number) => Float32Array | null
    },
    settings: Partial<ContextSettings> = {},
  ) {
    this.settings = { ...defaultContextSettings, ...settings }
    const useless = 1 - (this.settings.farDistance + this.settings.voteWindow)
    const { k, voteWindow, support } = this.settings
    const reads = { first: support, window: voteWindow, closeness: (sim: number) => closeness(sim, this.settings) }
    this.chars = new NeighbourIndex(deps.similarity, deps.dim, k, useless, reads)
    this.gaps = new NeighbourIndex(deps.similarity, deps.dim, k, useless, reads)
    this.decision = noContextDecision
  }

  get decided(): ContextDecision {
    return this.decision
  }

  /** Adds lines (with no corrections yet); their queried frames become query rows of the two stores. */
  addLines(inputs: LineInput[]) {
    const { dim } = this.deps
    const charRows: Array<Uint16Array | Float32Array> = []
    const gapRows: Array<Uint16Array | Float32Array> = []
    let nextChar = this.chars.size
    let nextGap = this.gaps.size
    for (const input of inputs) {
      const f = input.frames
      const isChar = (t: number) => 1 - f.blank[t] >= this.settings.minCharMass
      const space = this.deps.alphabet.space
      const spaceMass = (t: number) => {
        for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] === space) return f.topProb[j]
        return 0
      }
      // Gaps: the middle of each blank run between characters where the model sees some chance of a
      // space, and every frame the model reads as a space.
      const gapSet = new Set(gapMiddles(f.frames, isChar).filter((t) => spaceMass(t) >= this.settings.minSpaceMass))
      for (let t = 0; t < f.frames; t++) if (f.topIndex[t * f.k] === space) gapSet.add(t)
      const queried: number[] = []
      for (let t = 0; t < f.frames; t++) if (isChar(t) || gapSet.has(t)) queried.push(t)
      const gap = this.slab.uint8(queried.length)
      queried.forEach((t, q) => (gap[q] = gapSet.has(t) ? 1 : 0))
      const half = input.half
      const row = this.slab.int32(queried.length)
      queried.forEach((t, q) => {
        const features = half ? half.subarray(t * dim, (t + 1) * dim) : f.features.subarray(t * dim, (t + 1) * dim)
        if (gap[q]) {
          gapRows.push(features)
          this.owners.gaps.push(input.id, q)
          row[q] = nextGap++
        } else {
          charRows.push(features)
          this.owners.chars.push(input.id, q)
          row[q] = nextChar++
        }
      })
      const queriedFrames = this.slab.int32(queried.length)
      queriedFrames.set(queried)
      this.lines.set(input.id, {
        ...input,
        frames: { ...f, features: NO_FEATURES },
        half: this.deps.features ? null : (input.half ?? Uint16Array.from(f.features, toHalfBits)),
        queried: queriedFrames,
        gap,
        row,
        corrected: null,
        entries: { chars: [], gaps: [] },
        knn: null,
        reading: null,
        lexicon: null,
        lexiconEdits: null,
        fused: this.unfused(input.frames, queried.length, this.slab),
        segments: null,
      })
      this.order.push(input.id)
    }
    this.chars.addRows(charRows)
    this.gaps.addRows(gapRows)
  }

  /** Call when no more lines are coming: the stores give back the room they kept for growth. */
  linesLoaded() {
    this.chars.trim()
    this.gaps.trim()
  }

  /** A line's rows before fusion: the model's own arrays, which `fuseRows` copies before its first change
   *  (most lines of a big batch never change: 240 MB of copies at 50,000 lines). */
  private unfused(f: LineFrames, queried: number, slab?: Slab): Fused {
    return { index: f.topIndex, prob: f.topProb, decided: (slab ? slab.int32(queried) : new Int32Array(queried)).fill(-1) }
  }

  /** The reading to show for an uncorrected line: in context when context changed it, else null. */
  reading(lineId: number): ContextReading | null {
    return this.lines.get(lineId)?.reading ?? null
  }

  /**
   * Applies a correction (or, with `text` null, takes a line's correction back): its old frames leave
   * the stores, its new aligned frames join them, and the lines they reach are re-decoded; the lexicon
   * reads again the lines its words reach. The batch's trust and bias stay as they are until `settle`.
   */
  async correct(lineId: number, text: string | null): Promise<UpdateResult> {
    const line = this.lines.get(lineId)
    // A line that could not be read has no frames: its correction is kept (by the caller), nothing to learn.
    if (!line) return { changed: [], redecoded: 0 }
    const started = performance.now()
    // Per line, the frames whose neighbours changed where fusion reads them, and those where only the
    // weights of a unanimous vote moved.
    const touched = new Map<number, number[] | null>()
    const reweighted = new Map<number, number[]>()
    const touch = (owners: RowOwners, rows: number[], into: Map<number, number[] | null> = touched) => {
      for (const r of rows) {
        const owner = owners.lineOf(r)
        const list = into.get(owner) ?? []
        list.push(owners.frameOf(r))
        into.set(owner, list)
      }
    }
    const merged = (owners: RowOwners, { changed, reweighted: weights }: Merged) => {
      touch(owners, changed)
      touch(owners, weights, reweighted)
    }
    touch(this.owners.chars, await this.chars.remove(line.entries.chars))
    touch(this.owners.gaps, await this.gaps.remove(line.entries.gaps))
    line.entries = { chars: [], gaps: [] }
    line.corrected = text
    line.knn = null
    line.reading = null
    this.spans.set(lineId, null)
    // Words that join or leave the batch's vocabulary with this correction.
    const words = this.updateLexicon(lineId, text === null ? null : lexiconEntries(text))
    this.correctionOrder = this.correctionOrder.filter((id) => id !== lineId)
    if (text !== null) {
      this.correctionOrder.push(lineId)
      this.addToStores(line, text)
      merged(this.owners.chars, await this.chars.merge(line.entries.chars))
      merged(this.owners.gaps, await this.gaps.merge(line.entries.gaps))
    }
    // A line whose correction was taken back is read in context again, all of it.
    if (text === null) touched.set(lineId, null)
    const searched = performance.now()
    const n = this.correctionOrder.length
    const s = this.settings
    this.decision = { ...this.decision, ...this.counts() }
    if (n <= s.calibrateAlwaysUpTo || n % s.calibrateEvery === 0) this.calibrationDue = true
    const again = this.decision.lexiconBias > 0 ? this.spans.linesNear(words) : []
    this.forgetLexicon(again)
    // Without trust nothing is fused, so no unit needs looking at.
    const result = this.redecode(this.decision.trust > 0 ? this.unitsToFuse(touched, reweighted) : touched)
    const relexed = this.relex(again)
    const changed = [...new Set([...result.changed, ...relexed])]
    return { changed, redecoded: result.redecoded, ms: { search: searched - started, calibrate: 0, decode: performance.now() - searched } }
  }

  /**
   * The leave-one-out calibration due after the corrections applied since the last call (after every one
   * at first, then every few); a change of trust re-reads every line whose rows it moves, a change of
   * bias re-reads every line with the vocabulary; nothing to do when none is due. The worker runs it
   * straight after `correct` has replied, so the correction's own effect is on screen first; what this
   * changes follows moments later (the review screen keeps its focus on the line the reviewer is on).
   */
  async settle(): Promise<UpdateResult> {
    if (!this.calibrationDue) return { changed: [], redecoded: 0, ms: { search: 0, calibrate: 0, decode: 0 } }
    const started = performance.now()
    const trustBefore = this.decision.trust
    const biasBefore = this.decision.lexiconBias
    await this.calibrate()
    const calibrated = performance.now()
    // What the lexicon kept of any line may predate words that came while it was off: all are read again.
    const again = this.decision.lexiconBias !== biasBefore ? this.order : []
    this.forgetLexicon(again)
    const result = this.decision.trust !== trustBefore ? this.redecodeAll(true) : { changed: [], redecoded: 0 }
    const relexed = this.relex(again)
    const changed = [...new Set([...result.changed, ...relexed])]
    return { changed, redecoded: result.redecoded, ms: { search: 0, calibrate: calibrated - started, decode: performance.now() - calibrated } }
  }

  /**
   * Takes a batch's saved corrections (in the order they were made) into the stores without searching or
   * decoding; call `recomputeAll` after. Opening a batch with 600 corrections is then one search, not 600.
   */
  loadCorrections(corrections: Array<{ lineId: number; text: string }>) {
    for (const { lineId, text } of corrections) {
      const line = this.lines.get(lineId)
      if (!line) continue
      this.chars.pool.kill(line.entries.chars)
      this.gaps.pool.kill(line.entries.gaps)
      line.corrected = text
      this.spans.set(lineId, null)
      this.updateLexicon(lineId, lexiconEntries(text))
      this.correctionOrder = this.correctionOrder.filter((id) => id !== lineId)
      this.correctionOrder.push(lineId)
      this.addToStores(line, text)
    }
  }

  /**
   * Adds a saved pool's frames and words (from other batches of the same kind) to the stores and the
   * lexicon, and the trust and bias decided where it was saved as this batch's starting point, until its
   * own corrections can be calibrated. They belong to no line here (line 0), so they are never left out
   * in leave-one-out, nor offered as examples.
   */
  loadSavedPool(pool: Omit<SavedPool, 'trust' | 'lexiconBias'> & Partial<SavedPool>) {
    const byStore = { chars: [] as SavedEntry[], gaps: [] as SavedEntry[] }
    for (const e of pool.entries) byStore[e.store].push(e)
    this.chars.pool.add(0, byStore.chars)
    this.gaps.pool.add(0, byStore.gaps)
    this.updateLexicon(0, pool.words)
    this.priorTrust = pool.trust ?? 0
    this.priorBias = pool.lexiconBias ?? 0
  }

  /**
   * The decision the batch had when it was last open, in place of a calibration: `recomputeAll` without
   * one then reads every line as it was read then. (Calibrated afresh, the trust could differ: each
   * calibration keeps the trust before it unless another clearly beats it.)
   */
  restoreDecision(decision: ContextDecision) {
    this.decision = { ...decision, ...this.counts() }
  }

  /** Every live frame of both stores and every word of the lexicon, to save as a named pool. */
  savedPool(): Omit<SavedPool, 'trust' | 'lexiconBias'> {
    return { entries: this.savedEntries(), words: this.lexicon.entries() }
  }

  private savedEntries(): SavedEntry[] {
    const out: SavedEntry[] = []
    for (const [store, index] of [
      ['chars', this.chars],
      ['gaps', this.gaps],
    ] as const) {
      const ids = index.pool.liveIds()
      const matrix = index.pool.matrix(ids)
      ids.forEach((id, i) => out.push({ store, label: index.pool.label(id), features: matrix.subarray(i * this.deps.dim, (i + 1) * this.deps.dim) }))
    }
    return out
  }

  /**
   * Rebuilds every neighbour list and reading from the stores as they stand (no incremental shortcuts).
   * `recalibrate` false keeps the trust decided so far (to compare with the incremental path). `lists`,
   * saved when the batch was last closed, stand in for a store's search when they were found from the same
   * entries and rows (NeighbourIndex.restore): at 50,000 lines the searches are ~25 s of a ~45 s reopen.
   */
  async recomputeAll(options: { recalibrate: boolean; lists?: SavedBatchLists } = { recalibrate: true }): Promise<UpdateResult & { restored: number }> {
    for (const line of this.lines.values()) {
      line.fused = this.unfused(line.frames, line.queried.length)
      line.segments = null
      line.knn = null
      line.reading = null
      line.lexicon = null
    }
    let restored = 0
    for (const store of ['chars', 'gaps'] as const) {
      const saved = options.lists?.[store]
      if (saved && this[store].restore(saved)) restored++
      else await this[store].searchAll()
    }
    if (options.recalibrate) await this.calibrate()
    return { ...this.redecodeAll(), restored }
  }

  /** Both stores' neighbour lists, to save when the batch is closed (see recomputeAll). */
  savedLists(): SavedBatchLists {
    return { chars: this.chars.saved(), gaps: this.gaps.saved() }
  }

  /** Forced alignment of the corrected text; its character frames and gaps join the stores. */
  private addToStores(line: LineState, text: string) {
    const { alphabet, dim } = this.deps
    const label: number[] = []
    for (const ch of text) {
      const c = alphabet.indexOf(ch)
      // A character the model cannot output: the correction is kept, its frames are not stored.
      if (c < 0) return
      label.push(c)
    }
    const alignment = forceAlign(line.frames, label)
    if (!alignment) return
    const half = line.half
    const stored = half ? null : this.deps.features!(line.id)
    if (!half && !stored) return
    const at = (t: number) =>
      half ? Float32Array.from(half.subarray(t * dim, (t + 1) * dim), fromHalfBits) : stored!.slice(t * dim, (t + 1) * dim)
    const labels = alignment.labels
    const space = alphabet.space
    const chars: Array<{ label: number; features: Float32Array }> = []
    const gaps: Array<{ label: number; features: Float32Array }> = []
    labels.forEach((c, t) => {
      if (c === 0) return
      chars.push({ label: c, features: at(t) })
      if (c === space) gaps.push({ label: c, features: at(t) })
    })
    // The reviewer's plain gaps: blank runs between two characters, neither of them a space.
    for (const t of gapMiddles(labels.length, (u) => labels[u] !== 0)) {
      let before = t
      while (labels[before] === 0) before--
      let after = t
      while (labels[after] === 0) after++
      if (labels[before] !== space && labels[after] !== space) gaps.push({ label: 0, features: at(t) })
    }
    line.entries = { chars: this.chars.pool.add(line.id, chars), gaps: this.gaps.pool.add(line.id, gaps) }
  }

  private neighbour(line: LineState): (q: number) => FrameNeighbours {
    return (q) => (line.gap[q] ? this.gaps : this.chars).neighbours(line.row[q])
  }

  /**
   * Whether queried frame q continues the fusion unit of q − 1. A gap is a unit alone; a character's
   * frames are the consecutive queried character frames where the model reads the same one.
   */
  private sameUnit(line: LineState): (q: number) => boolean {
    const f = line.frames
    const { queried, gap } = line
    // The model's best character on frame t (the first non-blank of its top-k).
    const charAt = (t: number) => {
      for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] !== 0) return f.topIndex[j]
      return -1
    }
    return (q) => !gap[q] && !gap[q - 1] && queried[q] === queried[q - 1] + 1 && charAt(queried[q]) === charAt(queried[q - 1])
  }

  /** Fuses the given frames of a line with the neighbours `neighbour` gives, at the given trust. */
  private fuse(line: LineState, neighbour: (q: number) => FrameNeighbours, trust: number, out: Fused, which?: number[], dirty?: Uint8Array) {
    const s = this.settings
    const f = line.frames
    const { queried, gap } = line
    const space = this.deps.alphabet.space
    return fuseRows(
      f,
      queried,
      this.sameUnit(line),
      (q0, q1, index, prob, decided) => {
        if (gap[q0]) decided[q0] = fuseGap(f, queried[q0], neighbour(q0), this.gaps.pool, space, trust, s, index, prob)
        else fuseRun(f, queried, q0, q1, neighbour, this.chars.pool, trust, s, index, prob, decided)
      },
      out,
      which,
      dirty,
    )
  }

  /**
   * The frames each line must fuse again: those whose neighbours changed, and those whose unanimous vote
   * only gained or lost weight where their unit (fuseRun pools a character's frames) does not vote for
   * one label alone. A unit that does fuses to (1 − λ) · model + λ · that label, λ from closeness and
   * trust only — the same rows as before. Early in a batch of one print this is most of what a
   * correction touches: on 2,000 long lines, ~85 % of the frames.
   */
  private unitsToFuse(touched: Map<number, number[] | null>, reweighted: Map<number, number[]>): Map<number, number[] | null> {
    for (const [id, frames] of reweighted) {
      const line = this.lines.get(id)!
      const asked = touched.get(id)
      if (asked === null || line.corrected !== null) continue
      const same = this.sameUnit(line)
      const neighbour = this.neighbour(line)
      const which = asked ?? []
      for (const q of frames) if (!line.gap[q] && !this.votesAlone(line, q, same, neighbour)) which.push(q)
      if (which.length) touched.set(id, which)
    }
    return touched
  }

  /** Whether every vote of the character unit holding queried frame q goes to one label. */
  private votesAlone(line: LineState, q: number, same: (q: number) => boolean, neighbour: (q: number) => FrameNeighbours): boolean {
    let q0 = q
    while (q0 > 0 && same(q0)) q0--
    let q1 = q + 1
    while (q1 < line.queried.length && same(q1)) q1++
    const pool = this.chars.pool
    let label = -1
    for (let u = q0; u < q1; u++) {
      const n = neighbour(u)
      for (let i = 0; i < n.count && n.sims[n.at] - n.sims[n.at + i] <= this.settings.voteWindow; i++) {
        const l = pool.label(n.ids[n.at + i])
        if (label >= 0 && l !== label) return false
        label = l
      }
    }
    return true
  }

  /** Decodes a line's fused frames, again only in the segments that hold a `dirty` frame. */
  private decodeFused(line: LineState, dirty: Uint8Array): Decoded {
    const frames = { ...line.frames, topIndex: line.fused.index, topProb: line.fused.prob }
    line.segments = decodeSegments(frames, this.deps.alphabet, undefined, line.segments ? { previous: line.segments, dirty } : undefined)
    return joinSegments(line.segments, this.deps.alphabet)
  }

  /**
   * The corrected lines whose frames decided a line's fused rows: the neighbours that voted (within the
   * vote window of the nearest) for the label decided, counted per line, most first. Only asked for a
   * line context reads otherwise than the model: on long lines this is a fair share of an update.
   */
  private examplesOf(line: LineState, neighbour: (q: number) => FrameNeighbours): number[] {
    const { decided } = line.fused
    let sources = 0
    exampleCall++
    for (let q = 0; q < decided.length; q++) {
      const label = decided[q]
      if (label < 0) continue
      const pool = (line.gap[q] ? this.gaps : this.chars).pool
      const n = neighbour(q)
      for (let i = 0; i < n.count && n.sims[n.at] - n.sims[n.at + i] <= this.settings.voteWindow; i++) {
        const id = n.ids[n.at + i]
        if (pool.label(id) !== label) continue
        const source = pool.lineOf(id)
        // Line 0: a frame from a saved pool, not a line of this library.
        if (source <= 0) continue
        // Each source line's place in this count, by id (stamped with the call, so never cleared): a long
        // line's votes come from hundreds of corrected lines, and looking each up in the list was quadratic.
        if (source >= exampleStamp.length) growExampleSlots(source)
        if (exampleStamp[source] !== exampleCall) {
          if (sources === exampleIds.length) continue
          exampleStamp[source] = exampleCall
          exampleSlot[source] = sources
          ;(exampleIds[sources] = source), (exampleVotes[sources++] = 0)
        }
        exampleVotes[exampleSlot[source]]++
      }
    }
    // The five with most votes (ties to the lower id), chosen in one pass rather than sorting them all.
    const before = (a: number, b: number) => exampleVotes[a] > exampleVotes[b] || (exampleVotes[a] === exampleVotes[b] && exampleIds[a] < exampleIds[b])
    const top: number[] = []
    for (let i = 0; i < sources; i++) {
      if (top.length === EXAMPLES && !before(i, top[EXAMPLES - 1])) continue
      let at = top.length < EXAMPLES ? top.length : EXAMPLES - 1
      top[at] = i
      while (at > 0 && before(i, top[at - 1])) (top[at] = top[at - 1]), (top[at - 1] = i), at--
    }
    return top.map((i) => exampleIds[i])
  }

  /**
   * Re-fuses the given frames of each line (all of them for null); lines whose fused frames changed are
   * decoded again, and lines asked for whole are decoded whatever — unless `keepUnmoved`: then a line whose
   * rows did not move and that was decoded in context keeps its reading, which is exactly what decoding
   * it again would give (the same rows, neighbours and examples).
   */
  private redecode(frames: Map<number, number[] | null>, keepUnmoved = false): UpdateResult {
    const changed: number[] = []
    let redecoded = 0
    const trust = this.decision.trust
    for (const [id, which] of frames) {
      const line = this.lines.get(id)
      if (!line || line.corrected !== null) continue
      // Without trust every row is the model's, whatever the neighbours: a line's rows were made so when
      // the trust went to 0 (every line is re-fused then), and only a line asked for whole can be stale.
      if (trust <= 0 && which) continue
      const neighbour = this.neighbour(line)
      const dirty = new Uint8Array(line.frames.frames)
      const moved = this.fuse(line, neighbour, trust, line.fused, which ?? undefined, dirty)
      if (moved && line.lexicon && touches(line.lexicon.windows, dirty)) line.lexicon = null
      if (!moved && (which || (keepUnmoved && trust > 0 && line.segments))) continue
      redecoded++
      const next = trust > 0 ? this.decodeFused(line, dirty) : null
      if (!next) line.segments = null
      line.knn = next && next.text !== line.model.text ? { ...next, examples: this.examplesOf(line, neighbour) } : null
      if (this.show(line)) changed.push(id)
    }
    return { changed, redecoded }
  }

  /**
   * Sets what the line shows: its kNN decode (else the model's reading) after the batch's lexicon, read on
   * the line's fused rows. True when the text or its confidence changed.
   */
  private show(line: LineState): boolean {
    const base = line.knn ?? line.model
    const bias = this.decision.lexiconBias
    let lex = null
    // With the lexicon off, its index of spans is left as it is: a change of bias reads every line again.
    if (bias > 0) {
      this.spans.set(line.id, base.text)
      if (line.lexicon?.text !== base.text || line.lexicon.bias !== bias) {
        const frames = { ...line.frames, topIndex: line.fused.index, topProb: line.fused.prob }
        // Scored on the segments of the fused rows' decoding where there is one; rows still the model's
        // are scored whole (decoding the model's rows again only to cut them costs more than it saves).
        const found = readWithLexicon({ frames, reading: base, segments: line.segments }, this.lexicon, this.deps.alphabet, bias)
        line.lexicon = { ...found, text: base.text, bias }
      }
      // The same replacements, on the confidences the reading has now.
      lex = applySteps(base, line.lexicon.steps)
    }
    let shown = line.knn
    if (lex) {
      // The corrected lines each taken word came from join the line's examples.
      const fromWords = lex.entries.flatMap((e) => this.lexicon.linesWith(e).filter((id) => id > 0).slice(0, 2))
      const examples = [...new Set([...(line.knn?.examples ?? []), ...fromWords])].slice(0, 5)
      shown = { text: lex.text, charConfidences: lex.charConfidences, confidence: lex.confidence, examples }
    }
    if (shown && shown.text === line.model.text) shown = null
    const before = line.reading
    line.reading = shown
    return shown?.text !== before?.text || (!!shown && !!before && shown.confidence !== before.confidence)
  }

  /** Drops what the lexicon made of these lines, so `show` reads them with it again. */
  private forgetLexicon(ids: Iterable<number>) {
    for (const id of ids) this.lines.get(id)!.lexicon = null
  }

  /** `show` on each uncorrected line of `ids`; returns those whose reading changed. */
  private relex(ids: Iterable<number>): number[] {
    const changed: number[] = []
    for (const id of ids) {
      const line = this.lines.get(id)
      if (line && line.corrected === null && this.show(line)) changed.push(id)
    }
    return changed
  }

  /**
   * Every line, fused and decoded again. After a change of trust (`keepUnmoved`) only the lines whose rows
   * moved are decoded: most of a 50,000-line batch has no close neighbour, and its rows are the model's
   * at any trust.
   */
  private redecodeAll(keepUnmoved = false): UpdateResult {
    return this.redecode(new Map(this.order.map((id) => [id, null])), keepUnmoved)
  }

  /**
   * Leave-one-out: re-reads the most recent corrected lines in context without their own frames, for
   * each candidate trust, and keeps the trust with the fewest edits against what the reviewer typed — if
   * it passes a sign test against the model alone; then the lexicon's bias (calibrateLexicon). Runs after
   * every correction at first, then every few.
   */
  /** What the decision counts of the batch's pool, kept current after every correction. */
  private counts(): Pick<ContextDecision, 'poolEntries' | 'correctedLines' | 'unaligned' | 'lexiconEntries'> {
    return {
      poolEntries: this.chars.pool.liveCount + this.gaps.pool.liveCount,
      correctedLines: this.correctionOrder.length,
      unaligned: this.correctionOrder.filter((id) => this.lines.get(id)!.entries.chars.length === 0).length,
      lexiconEntries: this.lexicon.size,
    }
  }

  private async calibrate() {
    this.calibrationDue = false
    const counts = this.counts()
    if (counts.correctedLines < this.settings.minCorrections) {
      // Too little evidence from this batch: a saved pool's own decided trust stands in.
      this.decision = {
        ...noContextDecision,
        ...counts,
        trust: this.chars.pool.liveCount ? this.priorTrust : 0,
        lexiconBias: this.lexicon.size ? this.priorBias : 0,
      }
      return
    }
    const { replayed, ...trust } = await this.calibrateTrust()
    this.decision = { ...counts, ...trust, ...this.calibrateLexicon(replayed) }
  }


  /**
   * The trust, and each replayed line as read at that trust without its own frames (its fused rows and
   * their decoding; none at trust 0), which the lexicon's calibration reads further.
   */
  private async calibrateTrust(): Promise<Pick<ContextDecision, 'trust' | 'calibrationLines' | 'errorsByTrust'> & { replayed: Map<number, ReadLine> }> {
    const s = this.settings
    const corrected: LineState[] = []
    let frames = 0
    for (let i = this.correctionOrder.length - 1; i >= 0 && corrected.length < s.calibrationLines && frames < s.calibrationFrames; i--) {
      const line = this.lines.get(this.correctionOrder[i])!
      corrected.push(line)
      frames += line.queried.length
    }
    const replayed = new Map<number, Map<number, ReadLine>>()
    if (this.chars.pool.liveCount === 0) return { trust: 0, calibrationLines: corrected.length, errorsByTrust: {}, replayed: new Map() }
    const loo = await this.leaveOneOut(corrected)
    const alone = corrected.map((line) => distance(line.model.text, line.corrected!))
    const errorsByTrust: Record<string, number> = { '0': sum(alone) }
    const edits = new Map<number, number[]>([[0, alone]])
    for (const trust of s.trustGrid) {
      if (trust === 0) continue
      const atTrust = new Map<number, ReadLine>()
      const d = corrected.map((line, i) => {
        const fused = this.unfused(line.frames, line.queried.length)
        this.fuse(line, (q) => loo[i][q], trust, fused)
        const frames = { ...line.frames, topIndex: fused.index, topProb: fused.prob }
        const segments = decodeSegments(frames, this.deps.alphabet)
        const reading = joinSegments(segments, this.deps.alphabet)
        atTrust.set(line.id, { frames, reading, segments })
        return distance(reading.text, line.corrected!)
      })
      replayed.set(trust, atTrust)
      edits.set(trust, d)
      errorsByTrust[String(trust)] = sum(d)
    }
    const trust = chooseTrust(edits, this.decision.trust, s.minGain)
    return { trust, calibrationLines: corrected.length, errorsByTrust, replayed: replayed.get(trust) ?? new Map() }
  }

  /**
   * The lexicon's bias: the most recent corrected lines read with the lexicon of every other corrected
   * line. Those the trust's calibration just replayed are read as it read them, in context without their
   * own frames — the lexicon acts on that reading in use ("AMOuNT" after context, not the model's
   * "amount"). The others (many more than the trust replays: reading them needs no neighbour search)
   * are read from the model's own reading, their edits kept until a word that can change them comes.
   */
  private calibrateLexicon(replayed: Map<number, ReadLine>): Pick<ContextDecision, 'lexiconBias' | 'lexiconCalibrationLines' | 'errorsByBias'> {
    const s = this.settings
    const lines = this.correctionOrder.slice(-s.lexiconCalibrationLines).map((id) => this.lines.get(id)!)
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
        const found = readWithLexicon(read, this.lexicon, this.deps.alphabet, bias, { without: line.id, memo })
        clear = !found.candidates
        edits.set(bias, found.reading ? distance(found.reading.text, line.corrected!) : alone)
      }
      return grid.map((bias) => edits.get(bias)!)
    }
    const perLine = lines.map((line) => {
      const replay = replayed.get(line.id)
      if (replay) return editsOf(line, replay)
      // Cut into segments to be scored a word at a time (once: the edits are kept).
      return (line.lexiconEdits ??= editsOf(line, { frames: line.frames, reading: line.model, segments: decodeSegments(line.frames, this.deps.alphabet) }))
    })
    const edits = new Map(grid.map((bias, b) => [bias, perLine.map((d) => d[b])]))
    const errorsByBias = Object.fromEntries([...edits].map(([bias, d]) => [String(bias), sum(d)]))
    return { lexiconBias: chooseBias(edits, this.decision.lexiconBias, s.lexiconHarmRatio), lexiconCalibrationLines: lines.length, errorsByBias }
  }

  /**
   * Makes `entries` line `lineId`'s in the lexicon (null: it has none; line 0 is a saved pool) and drops
   * the leave-one-out edits this can change: the corrected lines a word joining or leaving the lexicon
   * reaches, and the other holder of a word now held by two lines or back to one (only that line's
   * leave-one-out sees the word come or go). Returns the words that joined or left.
   */
  private updateLexicon(lineId: number, entries: string[] | null): string[] {
    const before = this.lexicon.entriesOf(lineId)
    const words = this.lexicon.remove(lineId)
    if (entries) words.push(...this.lexicon.addEntries(lineId, entries))
    const forget = (id: number) => {
      const line = this.lines.get(id)
      if (line) line.lexiconEdits = null
    }
    forget(lineId)
    for (const id of this.correctedSpans.linesNear(words)) forget(id)
    for (const e of new Set([...before, ...(entries ?? [])])) {
      const others = this.lexicon.linesWith(e).filter((id) => id !== lineId)
      if (others.length === 1) forget(others[0])
    }
    const line = this.lines.get(lineId)
    if (line) this.correctedSpans.set(lineId, entries ? line.model.text : null)
    return words
  }

  /** Each line's neighbours, per queried frame, as if the line had not been corrected. */
  private async leaveOneOut(lines: LineState[]): Promise<FrameNeighbours[][]> {
    const result = lines.map((line) => new Array<FrameNeighbours>(line.queried.length))
    for (const [store, isGap] of [
      [this.chars, 0],
      [this.gaps, 1],
    ] as const) {
      const rows: number[] = []
      const owners: number[] = []
      const slots: Array<[number, number]> = []
      lines.forEach((line, i) =>
        line.queried.forEach((_, q) => {
          if (line.gap[q] !== isGap) return
          rows.push(line.row[q])
          owners.push(line.id)
          slots.push([i, q])
        }),
      )
      const extra = Math.max(0, ...lines.map((l) => (isGap ? l.entries.gaps : l.entries.chars).length))
      const found = await store.withoutOwnLine(rows, owners, extra)
      found.forEach((n, j) => (result[slots[j][0]][slots[j][1]] = n))
    }
    return result
  }
}

const sum = (d: number[]) => d.reduce((a, b) => a + b, 0)

/**
 * Whether a frame of the windows (pairs from, to: runs of segments) or a certain blank next to one is
 * marked dirty: the blanks bound the segments, so their rows decide where a window starts and ends.
 */
function touches(windows: number[], dirty: Uint8Array): boolean {
  for (let i = 0; i < windows.length; i += 2) {
    for (let t = Math.max(0, windows[i] - 1); t <= Math.min(dirty.length - 1, windows[i + 1]); t++) if (dirty[t]) return true
  }
  return false
}

// Scratch for examplesOf: the lines that voted for a line's decided labels, and their votes (a line is
// decided by a few dozen corrected lines at most; any past this many only go uncounted).
const exampleIds = new Int32Array(512)
const exampleVotes = new Int32Array(512)
/** Examples kept per changed line. */
const EXAMPLES = 5
/** Per line id: the examplesOf call that last counted it (`exampleCall`), and its place in that count. */
let exampleStamp = new Int32Array(0)
let exampleSlot = new Int32Array(0)
let exampleCall = 0

function growExampleSlots(id: number) {
  const size = Math.max(2 * exampleStamp.length, id + 1, 1024)
  const stamp = new Int32Array(size)
  stamp.set(exampleStamp)
  const slot = new Int32Array(size)
  slot.set(exampleSlot)
  ;(exampleStamp = stamp), (exampleSlot = slot)
}
