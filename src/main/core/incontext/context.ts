import { distance } from 'fastest-levenshtein'
import type { ContextDecision } from '../../../shared/api'
import type { Alphabet } from '../recognize/alphabet'
import { decode, type Decoded } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import { forceAlign } from './align'
import { fuseRows, type FrameNeighbours } from './fuse'
import { FramePool } from './pool'
import { defaultContextSettings, type ContextSettings } from './settings'
import type { SimilaritySearch } from './similarity'

export interface ContextReading extends Decoded {
  /** Corrected lines whose frames decided a change, most influential first. */
  examples: number[]
}

export interface LineInput {
  id: number
  frames: LineFrames
  /** The model's reading alone (the engine's default decoding). */
  model: Decoded
}

interface LineState extends LineInput {
  queried: Int32Array
  firstRow: number
  corrected: string | null
  entries: number[]
  reading: ContextReading | null
  /** The line's frames after fusion (its top-k rows), and per queried frame the label context decided. */
  fused: { index: Uint16Array; prob: Float32Array; decided: Int32Array }
}

export interface UpdateResult {
  /** Uncorrected lines whose context reading changed (text or confidence). */
  changed: number[]
  /** Lines re-decoded (their neighbours or the batch's trust changed). */
  redecoded: number
}

/**
 * One batch's in-context state: the frame pool built from its corrections, every line's queried frames
 * and their nearest pool entries, and the trust the leave-one-out calibration chose. A correction updates
 * only the neighbour lists the new (or removed) entries reach and re-decodes only those lines, from
 * cached frames alone; the result is the same as `recomputeAll` (tested).
 */
export class BatchContext {
  readonly settings: ContextSettings
  private readonly pool: FramePool
  private readonly lines = new Map<number, LineState>()
  private rowOwner = new Int32Array(0)
  private queries = new Float32Array(0)
  private sims = new Float32Array(0)
  private ids = new Int32Array(0)
  private counts = new Uint8Array(0)
  private order: number[] = []
  private correctionOrder: number[] = []
  private decision: ContextDecision

  constructor(
    private readonly deps: { similarity: SimilaritySearch; alphabet: Alphabet; dim: number },
    settings: Partial<ContextSettings> = {},
  ) {
    this.settings = { ...defaultContextSettings, ...settings }
    this.pool = new FramePool(deps.dim)
    this.decision = this.emptyDecision()
  }

  private emptyDecision(): ContextDecision {
    return { trust: 0, calibrationLines: 0, errorsByTrust: {}, poolEntries: 0, correctedLines: 0, unaligned: 0 }
  }

  get decided(): ContextDecision {
    return this.decision
  }

  /** Adds lines (with no corrections yet); their queried frames become rows of the query matrix. */
  addLines(inputs: LineInput[]) {
    const { dim } = this.deps
    const k = this.settings.k
    let rows = this.rowOwner.length
    const states = inputs.map((input) => {
      const queried: number[] = []
      for (let t = 0; t < input.frames.frames; t++) if (1 - input.frames.blank[t] >= this.settings.minCharMass) queried.push(t)
      const state: LineState = {
        ...input,
        queried: Int32Array.from(queried),
        firstRow: rows,
        corrected: null,
        entries: [],
        reading: null,
        fused: { index: input.frames.topIndex.slice(), prob: input.frames.topProb.slice(), decided: new Int32Array(queried.length).fill(-1) },
      }
      rows += queried.length
      return state
    })
    const grow = <T extends Float32Array | Int32Array | Uint8Array>(old: T, size: number, make: (n: number) => T) => {
      const next = make(size)
      next.set(old as never)
      return next
    }
    const first = this.rowOwner.length
    this.rowOwner = grow(this.rowOwner, rows, (n) => new Int32Array(n))
    this.queries = grow(this.queries, rows * dim, (n) => new Float32Array(n))
    this.sims = grow(this.sims, rows * k, (n) => new Float32Array(n))
    this.ids = grow(this.ids, rows * k, (n) => new Int32Array(n).fill(-1))
    this.ids.fill(-1, first * k)
    this.counts = grow(this.counts, rows, (n) => new Uint8Array(n))
    for (const s of states) {
      this.lines.set(s.id, s)
      this.order.push(s.id)
      s.queried.forEach((t, q) => {
        this.rowOwner[s.firstRow + q] = s.id
        this.queries.set(s.frames.features.subarray(t * dim, (t + 1) * dim), (s.firstRow + q) * dim)
      })
    }
  }

  /** The reading to show for an uncorrected line: in context when context changed it, else null. */
  reading(lineId: number): ContextReading | null {
    return this.lines.get(lineId)?.reading ?? null
  }

  /**
   * Applies a correction (or, with `text` null, takes a line's correction back): its old frames leave
   * the pool, its new aligned frames join it, and the lines they reach are re-decoded.
   */
  async correct(lineId: number, text: string | null): Promise<UpdateResult> {
    const line = this.lines.get(lineId)
    if (!line) throw new Error(`line ${lineId} is not in this batch's context`)
    const touchedRows = new Set<number>()
    if (line.entries.length) {
      const removed = new Set(line.entries)
      this.pool.kill(line.entries)
      line.entries = []
      const stale: number[] = []
      for (let r = 0; r < this.rowOwner.length; r++) {
        for (let i = 0; i < this.counts[r]; i++) {
          if (removed.has(this.ids[r * this.settings.k + i])) {
            stale.push(r)
            break
          }
        }
      }
      await this.searchRows(stale)
      for (const r of stale) touchedRows.add(r)
    }
    line.corrected = text
    line.reading = null
    this.correctionOrder = this.correctionOrder.filter((id) => id !== lineId)
    if (text !== null) {
      this.correctionOrder.push(lineId)
      const added = this.addToPool(line, text)
      if (added.length) for (const r of await this.mergeNew(added)) touchedRows.add(r)
    }
    const touched = new Map<number, number[] | null>()
    for (const r of touchedRows) {
      const owner = this.rowOwner[r]
      const rows = touched.get(owner) ?? []
      rows.push(r - this.lines.get(owner)!.firstRow)
      touched.set(owner, rows)
    }
    // A line whose correction was taken back is read in context again, all of it.
    if (text === null) touched.set(lineId, null)
    const trustBefore = this.decision.trust
    await this.calibrate()
    return this.decision.trust !== trustBefore ? this.redecodeAll() : this.redecode(touched)
  }

  /**
   * Rebuilds every neighbour list and reading from the pool as it stands (no incremental shortcuts).
   * `recalibrate` false keeps the trust decided so far (to compare with the incremental path).
   */
  async recomputeAll(options: { recalibrate: boolean } = { recalibrate: true }): Promise<UpdateResult> {
    this.counts.fill(0)
    this.ids.fill(-1)
    for (const line of this.lines.values()) {
      line.fused = { index: line.frames.topIndex.slice(), prob: line.frames.topProb.slice(), decided: new Int32Array(line.queried.length).fill(-1) }
      line.reading = null
    }
    await this.searchRows(Array.from({ length: this.rowOwner.length }, (_, r) => r))
    if (options.recalibrate) await this.calibrate(true)
    return this.redecodeAll()
  }

  /** Forced alignment of the corrected text; its character frames join the pool. */
  private addToPool(line: LineState, text: string): number[] {
    const { alphabet, dim } = this.deps
    const label: number[] = []
    for (const ch of text) {
      const c = alphabet.indexOf(ch)
      // A character the model cannot output: the correction is kept, its frames are not stored.
      if (c < 0) return []
      label.push(c)
    }
    const alignment = forceAlign(line.frames, label)
    if (!alignment) return []
    const entries: Array<{ label: number; features: Float32Array }> = []
    alignment.labels.forEach((c, t) => {
      if (c !== 0) entries.push({ label: c, features: line.frames.features.subarray(t * dim, (t + 1) * dim) })
    })
    line.entries = this.pool.add(line.id, entries)
    return line.entries
  }

  /** Nearest live entries for the given rows, from scratch. */
  private async searchRows(rows: number[]) {
    if (!rows.length) return
    const { dim } = this.deps
    const k = this.settings.k
    const live = this.pool.liveIds()
    const q = new Float32Array(rows.length * dim)
    rows.forEach((r, i) => q.set(this.queries.subarray(r * dim, (r + 1) * dim), i * dim))
    const found = await this.deps.similarity.search(q, this.pool.matrix(live), k)
    rows.forEach((r, i) => {
      this.counts[r] = found.k
      for (let j = 0; j < k; j++) {
        this.sims[r * k + j] = j < found.k ? found.sims[i * found.k + j] : 0
        this.ids[r * k + j] = j < found.k ? live[found.index[i * found.k + j]] : -1
      }
    })
  }

  /** Merges new entries into every row's neighbour list; returns the rows whose list changed. */
  private async mergeNew(added: number[]): Promise<number[]> {
    const k = this.settings.k
    const found = await this.deps.similarity.search(this.queries, this.pool.matrix(added), k)
    const changed: number[] = []
    const sims = new Float32Array(k)
    const ids = new Int32Array(k)
    for (let r = 0; r < this.rowOwner.length; r++) {
      const count = this.counts[r]
      // Fast reject: the best new candidate does not beat the row's current k-th neighbour.
      if (count === k && found.sims[r * found.k] <= this.sims[r * k + k - 1]) continue
      let a = 0
      let b = 0
      let n = 0
      let took = false
      while (n < k && (a < count || b < found.k)) {
        const oldSim = a < count ? this.sims[r * k + a] : -Infinity
        const newSim = b < found.k ? found.sims[r * found.k + b] : -Infinity
        // Ties go to the older entry (lower id), as a search over the whole pool orders them.
        if (oldSim >= newSim) (sims[n] = oldSim), (ids[n++] = this.ids[r * k + a++])
        else (sims[n] = newSim), (ids[n++] = added[found.index[r * found.k + b++]]), (took = true)
      }
      if (!took) continue
      this.sims.set(sims.subarray(0, n), r * k)
      this.ids.set(ids.subarray(0, n), r * k)
      this.counts[r] = n
      changed.push(r)
    }
    return changed
  }

  private neighbour(line: LineState): (q: number) => FrameNeighbours {
    const k = this.settings.k
    return (q) => {
      const r = line.firstRow + q
      return { sims: this.sims.subarray(r * k, (r + 1) * k), ids: this.ids.subarray(r * k, (r + 1) * k), count: this.counts[r] }
    }
  }

  /** Beam search over a line's fused frames; the corrected lines behind its decided frames are its examples. */
  private decodeFused(line: LineState, fused: LineState['fused'], neighbour: (q: number) => FrameNeighbours): ContextReading {
    const decoded = decode({ ...line.frames, topIndex: fused.index, topProb: fused.prob }, this.deps.alphabet)
    const weight = new Map<number, number>()
    fused.decided.forEach((label, q) => {
      if (label < 0) return
      const n = neighbour(q)
      for (let i = 0; i < n.count; i++) {
        if (this.pool.label(n.ids[i]) !== label) continue
        const source = this.pool.lineOf(n.ids[i])
        weight.set(source, (weight.get(source) ?? 0) + 1)
      }
    })
    const examples = [...weight].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id).slice(0, 5)
    return { ...decoded, examples }
  }

  /** Re-fuses the given frames of each line; lines whose fused frames changed are decoded again. */
  private redecode(frames: Map<number, number[] | null>): UpdateResult {
    const changed: number[] = []
    let redecoded = 0
    const trust = this.decision.trust
    for (const [id, which] of frames) {
      const line = this.lines.get(id)
      if (!line || line.corrected !== null) continue
      const neighbour = this.neighbour(line)
      const moved = fuseRows(line.frames, line.queried, neighbour, this.pool, trust, this.settings, line.fused, which ?? undefined)
      if (!moved && which) continue
      redecoded++
      const next = trust > 0 ? this.decodeFused(line, line.fused, neighbour) : null
      const shown = next && next.text !== line.model.text ? next : null
      const before = line.reading
      if (shown?.text !== before?.text || (shown && before && shown.confidence !== before.confidence)) changed.push(id)
      line.reading = shown
    }
    return { changed, redecoded }
  }

  private redecodeAll(): UpdateResult {
    return this.redecode(new Map(this.order.map((id) => [id, null])))
  }

  /**
   * Leave-one-out: re-reads the most recent corrected lines in context without their own frames, for
   * each candidate trust, and keeps the trust with the fewest edits against what the reviewer typed —
   * only if it beats the model alone. Ties go to less trust.
   */
  private async calibrate(force = false) {
    const s = this.settings
    const n = this.correctionOrder.length
    const counts = {
      poolEntries: this.pool.liveCount,
      correctedLines: n,
      unaligned: this.correctionOrder.filter((id) => this.lines.get(id)!.entries.length === 0).length,
    }
    if (!force && n > s.calibrateAlwaysUpTo && n % s.calibrateEvery !== 0) {
      this.decision = { ...this.decision, ...counts }
      return
    }
    const corrected = this.correctionOrder.slice(-s.calibrationLines).map((id) => this.lines.get(id)!)
    const decision = { ...this.emptyDecision(), ...counts, calibrationLines: corrected.length }
    if (n < s.minCorrections || this.pool.liveCount === 0) {
      this.decision = decision
      return
    }
    const loo = await this.leaveOneOutNeighbours(corrected)
    const alone = corrected.map((line) => distance(line.model.text, line.corrected!))
    decision.errorsByTrust['0'] = alone.reduce((a, b) => a + b, 0)
    let best = 0
    let bestErrors = decision.errorsByTrust['0']
    for (const trust of s.trustGrid) {
      if (trust === 0) continue
      let errors = 0
      let better = 0
      let worse = 0
      corrected.forEach((line, i) => {
        const neighbour = (q: number) => loo[i][q]
        const fused = { index: line.frames.topIndex.slice(), prob: line.frames.topProb.slice(), decided: new Int32Array(line.queried.length) }
        fuseRows(line.frames, line.queried, neighbour, this.pool, trust, s, fused)
        const d = distance(decode({ ...line.frames, topIndex: fused.index, topProb: fused.prob }, this.deps.alphabet).text, line.corrected!)
        errors += d
        if (d < alone[i]) better++
        else if (d > alone[i]) worse++
      })
      decision.errorsByTrust[String(trust)] = errors
      // A sign test on the replayed lines: context must help clearly more lines than it hurts (about 95 %
      // one-sided), so a handful of lucky fixes on a batch of unrelated words does not switch it on.
      const significant = better - worse >= 2 * Math.sqrt(better + worse) && better - worse >= 2
      if (significant && errors < bestErrors) (bestErrors = errors), (best = trust)
    }
    decision.trust = best
    this.decision = decision
  }

  /** Each line's neighbours as if it had not been corrected: its own entries filtered out. */
  private async leaveOneOutNeighbours(lines: LineState[]): Promise<FrameNeighbours[][]> {
    const { dim } = this.deps
    const k = this.settings.k
    const live = this.pool.liveIds()
    const extra = Math.max(0, ...lines.map((l) => l.entries.length))
    const rows = lines.flatMap((l) => Array.from(l.queried, (_, q) => l.firstRow + q))
    const q = new Float32Array(rows.length * dim)
    rows.forEach((r, i) => q.set(this.queries.subarray(r * dim, (r + 1) * dim), i * dim))
    const found = await this.deps.similarity.search(q, this.pool.matrix(live), k + extra)
    let row = 0
    return lines.map((line) =>
      Array.from(line.queried, () => {
        const sims = new Float32Array(k)
        const ids = new Int32Array(k).fill(-1)
        let count = 0
        for (let j = 0; j < found.k && count < k; j++) {
          const id = live[found.index[row * found.k + j]]
          if (this.pool.lineOf(id) === line.id) continue
          sims[count] = found.sims[row * found.k + j]
          ids[count++] = id
        }
        row++
        return { sims, ids, count }
      }),
    )
  }
}
