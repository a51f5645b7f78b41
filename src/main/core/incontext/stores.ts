import type { LineFrames } from '../recognize/frames'
import { fromHalfBits, toHalfBits } from '../store/half'
import { alignable, forceAlign, UNKNOWN, type Alignment } from './align'
import { writesWords } from './case-convention'
import { charAt } from './frame-rows'
import { ligatureLabels } from './ligatures'
import type { BatchAlphabet } from './batch-alphabet'
import type { FrameNeighbours } from './fuse'
import { unfused, type LineInput, type LineState } from './line-state'
import { NeighbourIndex, type Merged, type SavedLists } from './neighbour-index'
import { RowOwners } from './row-owners'
import type { ContextSettings } from './settings'
import type { SimilaritySearch } from './similarity'
import { Slab } from './slab'

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

/** Per line, the queried frames whose neighbours changed where fusion reads them (null: the whole line). */
export type Touched = Map<number, number[] | null>

/** What a change of the stores reached: lines whose lists changed where fusion reads them, and lines
 *  where only the weights of a unanimous vote moved. */
export interface Reached {
  touched: Touched
  reweighted: Map<number, number[]>
}

/** Collects a change's rows as lines and their queried frames. */
class ReachedRows implements Reached {
  readonly touched: Touched = new Map()
  readonly reweighted = new Map<number, number[]>()

  constructor(private readonly owners: { chars: RowOwners; gaps: RowOwners }) {}

  touch(store: 'chars' | 'gaps', rows: number[], into: Map<number, number[] | null> = this.touched) {
    const owners = this.owners[store]
    for (const r of rows) {
      const owner = owners.lineOf(r)
      const list = into.get(owner) ?? []
      list.push(owners.frameOf(r))
      into.set(owner, list)
    }
  }

  merged(store: 'chars' | 'gaps', { changed, reweighted }: Merged) {
    this.touch(store, changed)
    this.touch(store, reweighted, this.reweighted)
  }
}

/** The lines' query rows in one store (0: characters, 1: gaps), ascending. */
function rowsOf(lines: LineState[], isGap: number): number[] {
  const rows: number[] = []
  for (const line of lines) for (let q = 0; q < line.row.length; q++) if (line.gap[q] === isGap) rows.push(line.row[q])
  return rows.sort((a, b) => a - b)
}

/** A line's features are in the stores' query rows: the float copy goes (a correction's are read again). */
const NO_FEATURES = new Float32Array(0)

/**
 * One frame of every run of non-character frames that has a character frame on both sides: where the
 * model gives the space most (the middle of the run where it gives it nothing).
 */
export function gapFrames(f: LineFrames, space: number, isChar: (t: number) => boolean): number[] {
  const out: number[] = []
  let lastChar = -1
  for (let t = 0; t < f.frames; t++) {
    if (!isChar(t)) continue
    if (lastChar >= 0 && t - lastChar > 1) {
      let best = (lastChar + t) >> 1
      let bestP = spaceProb(f, best, space)
      for (let u = lastChar + 1; u < t; u++) {
        const p = spaceProb(f, u, space)
        if (p > bestP) (bestP = p), (best = u)
      }
      out.push(best)
    }
    lastChar = t
  }
  return out
}

/** 1 where the reviewer wrote the model's letter in upper case, 2 in lower case, else 0. */
export function caseChange(model: string, written: string): number {
  if (model === written || model.toLowerCase() !== written.toLowerCase() || written.toLowerCase() === written.toUpperCase()) return 0
  return written === written.toUpperCase() ? 1 : 2
}

/** Whether a frame holds a character: enough mass besides the blank, and a best character that is not the space. */
export function charFrames(f: LineFrames, space: number, minCharMass: number): (t: number) => boolean {
  return (t) => {
    if (1 - f.blank[t] < minCharMass) return false
    for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] !== 0) return f.topIndex[j] !== space
    return false
  }
}

/** Frame t's probability of the space in the model's top-k. */
export function spaceProb(f: LineFrames, t: number, space: number): number {
  for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] === space) return f.topProb[j]
  return 0
}

/**
 * A batch's two frame stores and the query rows searched against them. Characters: every frame forced
 * alignment of a correction gave a character. Gaps: the middle of each blank run between two characters
 * of a correction, and every space. Each line's character frames are searched in the first, its gaps in
 * the second, so a dropped space the model gave some chance can be put back where corrected lines have
 * one — and left out where they have a plain gap.
 */
export class FrameStores {
  readonly chars: NeighbourIndex
  readonly gaps: NeighbourIndex
  private readonly owners = { chars: new RowOwners(), gaps: new RowOwners() }
  /**
   * Corrected lines that gave the character store nothing (their correction could not be aligned): kept
   * here as the stores change, since counting them over every correction cost each update 1.5 ms at
   * 1,600 corrections.
   */
  readonly unaligned = new Set<number>()
  /** The per-line arrays kept while the batch is open (slab.ts). */
  private readonly slab = new Slab()

  constructor(
    private readonly deps: {
      similarity: SimilaritySearch
      alphabet: BatchAlphabet
      dim: number
      /** A line's stored features (frames × dim), for aligning its correction: kept out of memory. */
      features?: (lineId: number) => Float32Array | null
    },
    private readonly settings: ContextSettings,
  ) {
    const useless = 1 - (settings.farDistance + settings.voteWindow)
    const { k, voteWindow } = settings
    // Fusion reads each list's entries within the vote window of its nearest (ballot.ts).
    const reads = { first: 1, window: voteWindow, closeness: () => 1 }
    this.chars = new NeighbourIndex(deps.similarity, deps.dim, k, useless, reads)
    this.gaps = new NeighbourIndex(deps.similarity, deps.dim, k, useless, reads)
  }

  /** Live entries in both stores. */
  get liveCount(): number {
    return this.chars.pool.liveCount + this.gaps.pool.liveCount
  }

  /** New lines (with no corrections yet): their queried frames become query rows of the two stores. */
  addLines(inputs: LineInput[]): LineState[] {
    const { dim, alphabet } = this.deps
    const charRows: Array<Uint16Array | Float32Array> = []
    const gapRows: Array<Uint16Array | Float32Array> = []
    let nextChar = this.chars.size
    let nextGap = this.gaps.size
    const lines = inputs.map((input): LineState => {
      const f = input.frames
      const space = alphabet.space
      const isChar = charFrames(f, space, this.settings.minCharMass)
      // Gaps: in each run of frames between two characters (blanks, and frames whose best character is the
      // space), the one where the model sees most chance of a space, when it sees some. A frame that gives
      // the space 0.4 and the blank 0.6 is where forms and receipts lose most of their spaces: as a
      // character frame it was never asked.
      const gapSet = new Set(gapFrames(f, space, isChar).filter((t) => spaceProb(f, t, space) >= this.settings.minSpaceMass))
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
      return {
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
        fused: unfused(input.frames, queried.length, this.slab),
        segments: null,
      }
    })
    this.chars.addRows(charRows)
    this.gaps.addRows(gapRows)
    return lines
  }

  /**
   * Lines added after the stores were searched (read while the batch was open): their rows are searched
   * now, against the entries as they stand — what `searchAll` would find for them.
   */
  async searchLines(lines: LineState[]) {
    for (const [store, isGap] of [
      [this.chars, 0],
      [this.gaps, 1],
    ] as const) {
      await store.searchRows(rowsOf(lines, isGap))
    }
  }

  /** Call when no more lines are coming: the stores give back the room they kept for growth. */
  trim() {
    this.chars.trim()
    this.gaps.trim()
  }

  /**
   * A line's correction (null: none any more) in place of its frames in the stores: its old entries
   * leave, its newly aligned ones join. Returns the queried frames whose lists changed where fusion reads
   * them (`touched`), and those where only the weights of a unanimous vote moved (`reweighted`).
   */
  async replace(line: LineState, text: string | null, alignment: Alignment | null, first?: LineState[]): Promise<Reached> {
    const reached = new ReachedRows(this.owners)
    reached.touch('chars', await this.chars.remove(line.entries.chars))
    reached.touch('gaps', await this.gaps.remove(line.entries.gaps))
    line.entries = { chars: [], gaps: [] }
    this.unaligned.delete(line.id)
    if (text !== null) {
      this.store(line, alignment, text)
      // With `first`, only those lines' rows take the new entries now; the rest wait for `finishMerges`.
      reached.merged('chars', await this.chars.merge(line.entries.chars, first && rowsOf(first, 0)))
      reached.merged('gaps', await this.gaps.merge(line.entries.gaps, first && rowsOf(first, 1)))
    }
    return reached
  }

  /** The rows a correction's new entries did not reach yet (`replace` with `first`) take them now. */
  async finishMerges(): Promise<Reached> {
    const reached = new ReachedRows(this.owners)
    reached.merged('chars', await this.chars.finishMerge())
    reached.merged('gaps', await this.gaps.finishMerge())
    return reached
  }

  /** A saved correction in place of the line's frames, without searching (`searchAll` follows). */
  load(line: LineState, text: string): Alignment | null {
    this.chars.pool.kill(line.entries.chars)
    this.gaps.pool.kill(line.entries.gaps)
    const alignment = this.align(line, text)
    this.store(line, alignment, text)
    return alignment
  }

  /**
   * Forced alignment of a corrected text on the line's frames: a label per frame, grapheme by grapheme.
   * A grapheme the model cannot output becomes a class of the batch (batch-alphabet.ts) and aligns as a
   * wildcard over what the model reads there (align.ts): its frames are stored under the new class, and
   * the rest of the text teaches as any — a third of the Fraktur lines hold a ß, an ö or a „, and 82 % a
   * ſ in a diplomatic transcription. Null when it cannot be aligned.
   */
  align(line: LineState, text: string): Alignment | null {
    const { alphabet } = this.deps
    // The batch learns the text's characters whether or not its frames can show them.
    const label = alphabet.learn(text).map((c) => (c < 0 ? UNKNOWN : c))
    if (label.every((c) => c === UNKNOWN) || !alignable(line.model.text, text)) return null
    return forceAlign(line.frames, label, alphabet.base.size)
  }

  /** An aligned correction's frames join the stores; a line none of whose characters did is unaligned. */
  private store(line: LineState, alignment: Alignment | null, text: string) {
    this.storeFrames(line, alignment, text)
    if (line.entries.chars.length) this.unaligned.delete(line.id)
    else this.unaligned.add(line.id)
  }

  /** An aligned correction's character frames and gaps join the stores. */
  private storeFrames(line: LineState, alignment: Alignment | null, text: string) {
    const { alphabet, dim } = this.deps
    line.entries = { chars: [], gaps: [] }
    if (!alignment) return
    const half = line.half
    const stored = half ? null : this.deps.features!(line.id)
    if (!half && !stored) return
    const at = (t: number) =>
      half ? Float32Array.from(half.subarray(t * dim, (t + 1) * dim), fromHalfBits) : stored!.slice(t * dim, (t + 1) * dim)
    const labels = alignment.labels
    const space = alphabet.space
    // Whether the line's case changes show how the batch writes (ticks "X" → "x" do not).
    const word = writesWords(text)
    const chars: Array<{ label: number; features: Float32Array; caseChange: number; word: boolean }> = []
    const gaps: Array<{ label: number; features: Float32Array }> = []
    ligatureLabels(line.frames, alignment, alphabet).forEach((c, t) => {
      if (c === 0 || c === UNKNOWN) return
      // Spaces are the gap store's: a character voted into a space was "03-4021" becoming "03 4021".
      if (c === space) gaps.push({ label: c, features: at(t) })
      else chars.push({ label: c, features: at(t), caseChange: caseChange(alphabet.char(charAt(line.frames, t)), alphabet.char(c)), word })
    })
    // The reviewer's plain gaps: blank runs between two characters, neither of them a space (at the frame
    // a query of that run would be).
    for (const t of gapFrames(line.frames, space, (u) => labels[u] !== 0)) {
      let before = t
      while (labels[before] === 0) before--
      let after = t
      while (labels[after] === 0) after++
      if (labels[before] !== space && labels[after] !== space) gaps.push({ label: 0, features: at(t) })
    }
    line.entries = { chars: this.chars.pool.add(line.id, chars), gaps: this.gaps.pool.add(line.id, gaps) }
  }

  /** A saved pool's frames: they belong to no line here (line 0). */
  addSaved(entries: SavedEntry[]) {
    const byStore = { chars: [] as SavedEntry[], gaps: [] as SavedEntry[] }
    for (const e of entries) byStore[e.store].push(e)
    this.chars.pool.add(0, byStore.chars)
    this.gaps.pool.add(0, byStore.gaps)
  }

  /** Every live frame of both stores, to save as a named pool. */
  savedEntries(): SavedEntry[] {
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
   * Every list searched afresh — or, for a store whose `lists` (saved when the batch was last closed) were
   * found from the same entries and rows, taken back instead (NeighbourIndex.restore): at 50,000 lines
   * the searches are ~25 s of a ~45 s reopen. Returns how many stores were restored.
   */
  async searchAll(lists?: SavedBatchLists): Promise<number> {
    let restored = 0
    for (const store of ['chars', 'gaps'] as const) {
      const saved = lists?.[store]
      if (saved && this[store].restore(saved)) restored++
      else await this[store].searchAll()
    }
    return restored
  }

  /** Both stores' neighbour lists, to save when the batch is closed. */
  savedLists(): SavedBatchLists {
    return { chars: this.chars.saved(), gaps: this.gaps.saved() }
  }

  /** A line's neighbours by queried frame, from the store each frame is searched in. */
  neighbour(line: LineState): (q: number) => FrameNeighbours {
    return (q) => (line.gap[q] ? this.gaps : this.chars).neighbours(line.row[q])
  }

  /** Each line's neighbours, per queried frame, as if the line had not been corrected. */
  async leaveOneOut(lines: LineState[]): Promise<FrameNeighbours[][]> {
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
