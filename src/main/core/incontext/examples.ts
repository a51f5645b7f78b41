import type { FrameNeighbours } from './fuse'
import type { LineState } from './line-state'
import type { FramePool } from './pool'

/** Examples kept per changed line. */
const EXAMPLES = 5
/** Source lines counted per line (a line is decided by a few dozen corrected lines at most; any past this
 *  many only go uncounted). */
const SOURCES = 512

/**
 * The corrected lines whose frames decided a line's fused rows (its in-context examples): the neighbours
 * that voted, within the vote window of the nearest, for the label decided, counted per source line, most
 * first. Its counting arrays are kept from call to call: asked for every line context reads otherwise than
 * the model, this is a fair share of an update on long lines.
 */
export class ExampleCounter {
  private readonly ids = new Int32Array(SOURCES)
  private readonly votes = new Int32Array(SOURCES)
  /** Per line id: the call that last counted it (`call`), and its place in that count. */
  private stamp = new Int32Array(0)
  private slot = new Int32Array(0)
  private call = 0

  constructor(private readonly voteWindow: number) {}

  examplesOf(line: LineState, neighbour: (q: number) => FrameNeighbours, pools: { chars: FramePool; gaps: FramePool }): number[] {
    const { decided } = line.fused
    const { ids, votes } = this
    let sources = 0
    this.call++
    for (let q = 0; q < decided.length; q++) {
      const label = decided[q]
      if (label < 0) continue
      const pool = line.gap[q] ? pools.gaps : pools.chars
      const n = neighbour(q)
      for (let i = 0; i < n.count && n.sims[n.at] - n.sims[n.at + i] <= this.voteWindow; i++) {
        const id = n.ids[n.at + i]
        if (pool.label(id) !== label) continue
        const source = pool.lineOf(id)
        // Line 0: a frame from a saved pool, not a line of this library.
        if (source <= 0) continue
        // Each source line's place in this count, by id (stamped with the call, so never cleared): a long
        // line's votes come from hundreds of corrected lines, and looking each up in the list was quadratic.
        if (source >= this.stamp.length) this.grow(source)
        if (this.stamp[source] !== this.call) {
          if (sources === ids.length) continue
          this.stamp[source] = this.call
          this.slot[source] = sources
          ;(ids[sources] = source), (votes[sources++] = 0)
        }
        votes[this.slot[source]]++
      }
    }
    // The five with most votes (ties to the lower id), chosen in one pass rather than sorting them all.
    const before = (a: number, b: number) => votes[a] > votes[b] || (votes[a] === votes[b] && ids[a] < ids[b])
    const top: number[] = []
    for (let i = 0; i < sources; i++) {
      if (top.length === EXAMPLES && !before(i, top[EXAMPLES - 1])) continue
      let at = top.length < EXAMPLES ? top.length : EXAMPLES - 1
      top[at] = i
      while (at > 0 && before(i, top[at - 1])) (top[at] = top[at - 1]), (top[at - 1] = i), at--
    }
    return top.map((i) => ids[i])
  }

  private grow(id: number) {
    const size = Math.max(2 * this.stamp.length, id + 1, 1024)
    const stamp = new Int32Array(size)
    stamp.set(this.stamp)
    const slot = new Int32Array(size)
    slot.set(this.slot)
    ;(this.stamp = stamp), (this.slot = slot)
  }
}
