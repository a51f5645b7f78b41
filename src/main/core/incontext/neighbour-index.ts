import { createHash } from 'node:crypto'
import type { FrameNeighbours } from './fuse'
import { FramePool } from './pool'
import type { SimilaritySearch } from './similarity'
import { toHalfBits } from '../store/half'

// Query rows are kept in blocks of this many (16 MB at 120 dimensions), as half floats: the library
// stores features so, and keeping them so halves a 50,000-line batch's query matrix (633 → 317 MB for
// 1.3 million query frames). As one array grown by doubling, it was copied at every growth and once more
// to trim (the load bench's peak RSS went 3,449 → 3,051 MiB with blocks).
const BLOCK_ROWS = 65_536

/**
 * Every row's list as it stood when a batch was closed, with its entries given by their rank among the
 * live entries (a batch loaded afresh numbers its live entries so), and a digest of what the lists were
 * found from: they are taken back only for the very same entries and rows.
 */
export interface SavedLists {
  digest: string
  rows: number
  k: number
  sims: Float32Array
  ranks: Int32Array
  counts: Uint8Array
}

/** What fusion reads of a neighbour list (see the constructor). */
export interface Reads {
  first: number
  window: number
  closeness: (sim: number) => number
}

/**
 * A correction's effect on the lists: `changed`, rows whose read part changed; `reweighted`, rows among
 * them whose read part held entries of one label only, before and after, at the same closeness — only
 * the weights of a unanimous vote moved, which leaves the frame's own vote as it was.
 */
export interface Merged {
  changed: number[]
  reweighted: number[]
}

/**
 * A frame store and the query frames searched against it: every query row keeps its k nearest live
 * entries. New entries are merged into the lists they enter; lists that held a removed entry are searched
 * again. The result is the same as searching every row from scratch (ties go to the older entry).
 */
export class NeighbourIndex {
  readonly pool: FramePool
  private rows = 0
  private readonly blocks: Uint16Array[] = []
  private sims: Float32Array
  private ids: Int32Array
  private counts: Uint8Array
  /** A merge left for later by `merge(added, first)`: its entries, and the rows that have them already. */
  private pending: { added: number[]; done: Uint8Array } | null = null

  /**
   * `minSim`: entries no more similar than this are never listed. Fusion cannot use them (settings.ts:
   * past `farDistance + voteWindow` a neighbour neither votes nor lets context act), and leaving them out
   * means a correction early on no longer rewrites the list of every frame in the batch.
   * `reads`: what fusion reads of a list — its `first` entries and those within `window` of its nearest
   * (the vote window); `merge` reports a row only when that part of its list changed. `closeness` is what
   * fusion makes of the `first`-th similarity (how far context may act; 0 for a shorter list).
   */
  constructor(
    private readonly similarity: SimilaritySearch,
    private readonly dim: number,
    readonly k: number,
    private readonly minSim = -Infinity,
    private readonly reads: Reads = { first: Infinity, window: Infinity, closeness: () => 1 },
  ) {
    this.pool = new FramePool(dim)
    this.sims = new Float32Array(0)
    this.ids = new Int32Array(0)
    this.counts = new Uint8Array(0)
  }

  get size() {
    return this.rows
  }

  /**
   * Appends query rows (one feature vector each: half-float bits, or floats rounded to half); returns the
   * first new row's index.
   */
  addRows(features: Array<Uint16Array | Float32Array>): number {
    this.settled()
    const first = this.rows
    const total = first + features.length
    // The lists' capacity doubles, so a batch loaded in chunks is copied O(log n) times, not once per
    // chunk (they are a seventh of a row's bytes; the rows themselves go into blocks).
    if (total > this.counts.length) {
      const capacity = Math.max(total, 2 * this.counts.length, 1024)
      const grow = <T extends Float32Array | Int32Array | Uint8Array>(old: T, n: number, make: (n: number) => T) => {
        const next = make(n)
        next.set(old)
        return next
      }
      this.sims = grow(this.sims, capacity * this.k, (n) => new Float32Array(n))
      this.ids = grow(this.ids, capacity * this.k, (n) => new Int32Array(n).fill(-1))
      this.counts = grow(this.counts, capacity, (n) => new Uint8Array(n))
    }
    features.forEach((f, i) => {
      const r = first + i
      const b = Math.floor(r / BLOCK_ROWS)
      if (b === this.blocks.length) this.blocks.push(new Uint16Array(BLOCK_ROWS * this.dim))
      else if (this.blocks[b].length < BLOCK_ROWS * this.dim) {
        // Rows added after `trim`: the last block gets its room back.
        const full = new Uint16Array(BLOCK_ROWS * this.dim)
        full.set(this.blocks[b])
        this.blocks[b] = full
      }
      const at = (r % BLOCK_ROWS) * this.dim
      if (f instanceof Uint16Array) this.blocks[b].set(f, at)
      else for (let j = 0; j < this.dim; j++) this.blocks[b][at + j] = toHalfBits(f[j])
    })
    this.rows = total
    return first
  }

  /** Query row r's features (half-float bits). */
  private row(r: number): Uint16Array {
    const at = (r % BLOCK_ROWS) * this.dim
    return this.blocks[Math.floor(r / BLOCK_ROWS)].subarray(at, at + this.dim)
  }

  /** The query matrix, block by block, the last cut to the rows it holds. */
  private queryBlocks(): Uint16Array[] {
    const used = this.rows % BLOCK_ROWS
    return this.blocks.map((b, i) => (i === this.blocks.length - 1 && used ? b.subarray(0, used * this.dim) : b))
  }

  /** Gives back the room reserved for more rows (after a batch has loaded: up to half of it). */
  trim() {
    const used = this.rows % BLOCK_ROWS
    const last = this.blocks.length - 1
    if (used && this.blocks[last].length > used * this.dim) this.blocks[last] = this.blocks[last].slice(0, used * this.dim)
    if (this.counts.length === this.rows) return
    this.sims = this.sims.slice(0, this.rows * this.k)
    this.ids = this.ids.slice(0, this.rows * this.k)
    this.counts = this.counts.slice(0, this.rows)
  }

  /**
   * A row's neighbours, as a view into the index's arrays that the next call moves: read it before asking
   * for another (fusing reads millions of these per correction early on; one object each was garbage).
   */
  neighbours(row: number): FrameNeighbours {
    const view = this.view
    view.sims = this.sims
    view.ids = this.ids
    view.at = row * this.k
    view.count = this.counts[row]
    return view
  }
  private readonly view: FrameNeighbours = { sims: new Float32Array(0), ids: new Int32Array(0), at: 0, count: 0 }

  private queryMatrix(rows: number[]): Uint16Array {
    const q = new Uint16Array(rows.length * this.dim)
    rows.forEach((r, i) => q.set(this.row(r), i * this.dim))
    return q
  }

  /** Nearest live entries for the given rows, from scratch (`all`: every row, read in place, not copied). */
  async searchRows(rows: number[], all = false) {
    this.settled()
    if (!rows.length) return
    const k = this.k
    const live = this.pool.liveIds()
    const queries = all ? this.queryBlocks() : [this.queryMatrix(rows)]
    const found = await this.similarity.search(queries, this.pool.matrix(live), k)
    rows.forEach((r, i) => {
      let count = 0
      while (count < found.k && found.sims[i * found.k + count] > this.minSim) count++
      this.counts[r] = count
      for (let j = 0; j < k; j++) {
        this.sims[r * k + j] = j < count ? found.sims[i * found.k + j] : 0
        this.ids[r * k + j] = j < count ? live[found.index[i * found.k + j]] : -1
      }
    })
  }

  /** The lists as they stand, to be taken back by `restore` when the batch is opened again. */
  saved(): SavedLists {
    this.settled()
    const live = this.pool.liveIds()
    const rank = new Int32Array(this.pool.size).fill(-1)
    live.forEach((id, r) => (rank[id] = r))
    const n = this.rows * this.k
    const ranks = new Int32Array(n)
    for (let i = 0; i < n; i++) ranks[i] = this.ids[i] < 0 ? -1 : rank[this.ids[i]]
    return { digest: this.digest(live), rows: this.rows, k: this.k, sims: this.sims.slice(0, n), ranks, counts: this.counts.slice(0, this.rows) }
  }

  /**
   * Takes back saved lists in place of `searchAll` when they were found from these very entries (in this
   * order) and query rows, with these settings: then they are what the search would find. False, and
   * nothing changed, otherwise.
   */
  restore(saved: SavedLists): boolean {
    const live = this.pool.liveIds()
    if (saved.rows !== this.rows || saved.k !== this.k || saved.digest !== this.digest(live)) return false
    // The lists as a search would find them: a merge still waiting is in them.
    this.pending = null
    const n = this.rows * this.k
    for (let i = 0; i < n; i++) this.ids[i] = saved.ranks[i] < 0 ? -1 : live[saved.ranks[i]]
    this.sims.set(saved.sims)
    this.counts.set(saved.counts)
    return true
  }

  /** A digest of what the lists are found from: k and minSim, every live entry (line, label, features) and every query row. */
  private digest(live: number[]): string {
    const hash = createHash('sha256')
    hash.update(JSON.stringify({ k: this.k, minSim: String(this.minSim) }))
    hash.update(Int32Array.from(live, (id) => this.pool.lineOf(id)))
    hash.update(Int32Array.from(live, (id) => this.pool.label(id)))
    hash.update(this.pool.matrix(live))
    for (const block of this.queryBlocks()) hash.update(block)
    return hash.digest('hex')
  }

  async searchAll() {
    // Every list found afresh: a merge still waiting is in them.
    this.pending = null
    this.counts.fill(0, 0, this.rows)
    this.ids.fill(-1, 0, this.rows * this.k)
    await this.searchRows(Array.from({ length: this.rows }, (_, r) => r), true)
  }

  /** Removes entries; rows that listed one are searched again. Returns those rows. */
  async remove(entries: number[]): Promise<number[]> {
    this.settled()
    if (!entries.length) return []
    const removed = new Set(entries)
    this.pool.kill(entries)
    const stale: number[] = []
    for (let r = 0; r < this.rows; r++) {
      for (let i = 0; i < this.counts[r]; i++) {
        if (removed.has(this.ids[r * this.k + i])) {
          stale.push(r)
          break
        }
      }
    }
    await this.searchRows(stale)
    return stale
  }

  /**
   * Merges new entries into every row's list; returns the rows whose list changed where fusion reads it
   * (`reads`). Every row is scored against the new entries (one Gemm); a row is only touched when one of
   * them beats its current k-th neighbour (or its list is not full). A row whose new entries all landed
   * past its first entries and outside the window is not returned: those first entries are the same, and
   * so are the entries within the window (any entry pushed out was no closer than the new ones). Early
   * in a big batch of one print, most rows take a new entry, but few take one that counts; of those,
   * most only add weight to a vote that was and stays unanimous (`reweighted`).
   *
   * With `first`, only those rows take the entries now; every other row takes them at `finishMerge`,
   * which must come before anything else reads or changes the lists (the index refuses until then). The
   * Gemm over every row is most of what a correction costs in a batch of many lines (forms-dev, the
   * slowest twentieth of updates: 50 of 91 ms), and the lines the reviewer looks at next need few of them.
   */
  async merge(added: number[], first?: number[]): Promise<Merged> {
    this.settled()
    if (!added.length || !this.rows) return { changed: [], reweighted: [] }
    if (!first) return this.mergeInto(added, this.queryBlocks(), (i) => i)
    const done = new Uint8Array(this.rows)
    for (const r of first) done[r] = 1
    this.pending = { added, done }
    return first.length ? this.mergeInto(added, [this.queryMatrix(first)], (i) => first[i]) : { changed: [], reweighted: [] }
  }

  /** Merges what `merge` left for later into the rest of the rows (nothing when nothing waits). */
  async finishMerge(): Promise<Merged> {
    const waiting = this.pending
    if (!waiting) return { changed: [], reweighted: [] }
    this.pending = null
    return this.mergeInto(waiting.added, this.queryBlocks(), (i) => i, waiting.done)
  }

  /** Throws while a merge waits: the lists are not what a search would find. */
  private settled() {
    if (this.pending) throw new Error('NeighbourIndex: a merge is waiting (finishMerge first)')
  }

  /** Merges `added` into the rows of `queries` (its i-th row is row `rowOf(i)`), those `skip` marks aside. */
  private async mergeInto(added: number[], queries: Uint16Array[], rowOf: (i: number) => number, skip?: Uint8Array): Promise<Merged> {
    const changed: number[] = []
    const reweighted: number[] = []
    const k = this.k
    const m = added.length
    const sims = new Float32Array(k)
    const ids = new Int32Array(k)
    const newSims = new Float32Array(k)
    const newIds = new Int32Array(k)
    const { first, window } = this.reads
    await this.similarity.scores(queries, this.pool.matrix(added), (start, rows, scores, best) => {
      // The lists in locals: this loop runs for every row of the batch, twice per correction.
      const listSims = this.sims
      const listIds = this.ids
      const counts = this.counts
      for (let i = 0; i < rows; i++) {
        const r = rowOf(start + i)
        if (skip?.[r]) continue
        const count = counts[r]
        const base = r * k
        const floor = count < k ? this.minSim : listSims[base + k - 1]
        if (best[i] <= floor) continue
        // The new entries that could enter, best first; ties go to the older (lower) id, as a full search
        // orders them.
        let found = 0
        let cut = floor
        for (let j = 0, at = i * m; j < m; j++, at++) {
          const sim = scores[at]
          if (sim <= cut) continue
          let to = found < k ? found++ : k - 1
          while (to > 0 && newSims[to - 1] < sim) (newSims[to] = newSims[to - 1]), (newIds[to] = newIds[to - 1]), to--
          newSims[to] = sim
          newIds[to] = added[j]
          if (found === k) cut = Math.max(floor, newSims[k - 1])
        }
        if (!found) continue
        let a = 0
        let b = 0
        let n = 0
        let took = false
        let read = false
        while (n < k && (a < count || b < found)) {
          const oldSim = a < count ? listSims[base + a] : -Infinity
          const newSim = b < found ? newSims[b] : -Infinity
          if (oldSim >= newSim) (sims[n] = oldSim), (ids[n++] = listIds[base + a++])
          else {
            if (n < first || sims[0] - newSim <= window) read = true
            ;(sims[n] = newSim), (ids[n++] = newIds[b++]), (took = true)
          }
        }
        if (!took) continue
        const label = read ? this.voteOf(listSims, listIds, base, count) : -1
        const same = label >= 0 && this.voteOf(sims, ids, 0, n) === label && this.level(listSims, base, count) === this.level(sims, 0, n)
        for (let j = 0; j < n; j++) (listSims[base + j] = sims[j]), (listIds[base + j] = ids[j])
        counts[r] = n
        if (same) reweighted.push(r)
        else if (read) changed.push(r)
      }
    })
    return { changed, reweighted }
  }

  /** The one label of a list's read part, or -1 when it holds none or several. */
  private voteOf(sims: Float32Array, ids: Int32Array, at: number, count: number): number {
    let label = -1
    for (let i = 0; i < count && (i < this.reads.first || sims[at] - sims[at + i] <= this.reads.window); i++) {
      const l = this.pool.label(ids[at + i])
      if (label >= 0 && l !== label) return -1
      label = l
    }
    return label
  }

  /** The closeness fusion reads off a list. */
  private level(sims: Float32Array, at: number, count: number): number {
    return count < this.reads.first ? 0 : this.reads.closeness(sims[at + this.reads.first - 1])
  }

  /**
   * Neighbours of the given rows as if their own line's entries were not in the pool (leave-one-out):
   * searched with room for the excluded entries, which are then dropped.
   */
  async withoutOwnLine(rows: number[], owners: number[], extra: number): Promise<FrameNeighbours[]> {
    this.settled()
    const k = this.k
    const live = this.pool.liveIds()
    const found = await this.similarity.search([this.queryMatrix(rows)], this.pool.matrix(live), k + extra)
    return rows.map((_, i) => {
      const sims = new Float32Array(k)
      const ids = new Int32Array(k).fill(-1)
      let count = 0
      for (let j = 0; j < found.k && count < k && found.sims[i * found.k + j] > this.minSim; j++) {
        const id = live[found.index[i * found.k + j]]
        if (this.pool.lineOf(id) === owners[i]) continue
        sims[count] = found.sims[i * found.k + j]
        ids[count++] = id
      }
      return { sims, ids, at: 0, count }
    })
  }
}
