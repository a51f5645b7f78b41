import type { FrameNeighbours } from './fuse'
import type { FramePool } from './pool'

/** Distinct labels a ballot holds; more are only counted in the total. */
const MAX_LABELS = 64
/** Distinct source lines counted per label: past this many, more lines add nothing to the evidence. */
const MAX_LINES = 32

/**
 * The neighbours of one fusion unit (a character's run of frames, or a gap frame), tallied per label:
 * the vote weight exp(−d / T) of every neighbour within the vote window of its frame's nearest, the
 * closest neighbour of each label, and how many different corrected lines voted for it (one look-alike
 * line is weaker evidence than five). Reused from unit to unit (owned by its context, never shared).
 */
export class Ballot {
  readonly label = new Int32Array(MAX_LABELS)
  readonly weight = new Float64Array(MAX_LABELS)
  readonly best = new Float64Array(MAX_LABELS)
  readonly lineCount = new Int32Array(MAX_LABELS)
  private readonly lines = new Int32Array(MAX_LABELS * MAX_LINES)
  size = 0
  total = 0
  /** The label with the most weight (-1 for an empty ballot), and its place. */
  top = -1
  topAt = -1

  clear() {
    this.size = 0
    this.total = 0
    this.top = -1
    this.topAt = -1
  }

  /** Adds one frame's neighbours within `window` of its nearest, voting exp(−d / T). */
  add(n: FrameNeighbours, pool: FramePool, window: number, temperature: number) {
    for (let i = 0; i < n.count; i++) {
      const sim = n.sims[n.at + i]
      if (n.sims[n.at] - sim > window) break
      const w = Math.exp(-(1 - sim) / temperature)
      this.total += w
      const id = n.ids[n.at + i]
      const label = pool.label(id)
      let at = 0
      while (at < this.size && this.label[at] !== label) at++
      if (at === this.size) {
        if (this.size === MAX_LABELS) continue
        this.label[at] = label
        this.weight[at] = 0
        this.best[at] = -1
        this.lineCount[at] = 0
        this.size++
      }
      this.weight[at] += w
      if (sim > this.best[at]) this.best[at] = sim
      // A saved pool's entries belong to no line here (0): each stands for a line of its own batch.
      const line = pool.lineOf(id) || -(id + 1)
      const count = this.lineCount[at]
      if (count < MAX_LINES) {
        let seen = false
        for (let j = 0; j < count && !seen; j++) seen = this.lines[at * MAX_LINES + j] === line
        if (!seen) this.lines[at * MAX_LINES + this.lineCount[at]++] = line
      }
    }
  }

  /** Finds the label with the most weight (ties to the first tallied). */
  decide() {
    let best = -1
    for (let i = 0; i < this.size; i++) if (best < 0 || this.weight[i] > this.weight[best]) best = i
    this.topAt = best
    this.top = best < 0 ? -1 : this.label[best]
  }

  /** Makes `label` the ballot's top (nothing when it has no votes): the label the gate is asked about. */
  raise(label: number) {
    const at = this.indexOf(label)
    if (at < 0) return
    this.topAt = at
    this.top = label
  }

  /** Counts label `from`'s votes for `to` instead (its weight, its nearest; its lines, as far as room lasts). */
  fold(from: number, to: number) {
    const i = this.indexOf(from)
    if (i < 0 || from === to) return
    const j = this.indexOf(to)
    if (j < 0) {
      // The label takes the other's place.
      this.label[i] = to
      return
    }
    this.weight[j] += this.weight[i]
    this.best[j] = Math.max(this.best[j], this.best[i])
    for (let x = 0; x < this.lineCount[i]; x++) {
      const line = this.lines[i * MAX_LINES + x]
      const count = this.lineCount[j]
      let seen = false
      for (let y = 0; y < count && !seen; y++) seen = this.lines[j * MAX_LINES + y] === line
      if (!seen && count < MAX_LINES) this.lines[j * MAX_LINES + this.lineCount[j]++] = line
    }
    // The last place fills the emptied one.
    const last = --this.size
    if (i !== last) {
      this.label[i] = this.label[last]
      this.weight[i] = this.weight[last]
      this.best[i] = this.best[last]
      this.lineCount[i] = this.lineCount[last]
      this.lines.copyWithin(i * MAX_LINES, last * MAX_LINES, last * MAX_LINES + this.lineCount[last])
    }
  }

  /** The place of a label in the ballot, or -1. */
  indexOf(label: number): number {
    for (let i = 0; i < this.size; i++) if (this.label[i] === label) return i
    return -1
  }
}
