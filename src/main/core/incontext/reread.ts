import { decodeSegments, joinSegments, type Decoded } from '../recognize/ctc'
import { contextBeam } from './batch-scripts'
import { ScoreScratch } from './ctc-score'
import { ExampleCounter } from './examples'
import { FuseScratch, fuseGap, fuseRows, fuseRun, type FrameNeighbours, type FuseGate, type UnitSink } from './fuse'
import { charAt } from './frame-rows'
import { applySteps, readWithLexicon } from './lexicon-reading'
import { fusedFrames, sameUnit, type Fused, type LineState, type UpdateResult } from './line-state'
import type { ContextState } from './state'
import type { Touched } from './stores'
import { inCase } from './case-convention'
import { unspacedBefore } from './mark-spacing'
import { coherentCase } from './word-case'

/**
 * Reading lines in context from cached frames alone: each queried frame's neighbours are fused with the
 * model's rows (fuse.ts), the fused rows decoded again only in the segments that changed, and the result
 * read with the batch's vocabulary (lexicon-reading.ts). What a line shows is `line.reading`.
 */
export class Reader {
  private readonly scratch = new FuseScratch()
  /** Working arrays of the lexicon's CTC scoring, kept from line to line. */
  readonly scoreScratch = new ScoreScratch()
  private readonly examples: ExampleCounter

  constructor(private readonly state: ContextState) {
    this.examples = new ExampleCounter(state.settings.voteWindow)
  }

  /**
   * Fuses the given frames of a line (all for `which` undefined) with the neighbours `neighbour` gives,
   * under `gate`; `sink` is told every contested unit's evidence.
   */
  fuse(line: LineState, neighbour: (q: number) => FrameNeighbours, gate: FuseGate, out: Fused, which?: number[], dirty?: Uint8Array, sink?: UnitSink): boolean {
    const { settings: s, stores, alphabet } = this.state
    const f = line.frames
    const { queried, gap } = line
    const pitch = f.frames / Math.max(1, line.model.text.length)
    return fuseRows(
      f,
      queried,
      sameUnit(line),
      (q0, q1, index, prob, decided) => {
        if (gap[q0]) decided[q0] = fuseGap(f, queried[q0], neighbour(q0), stores.gaps.pool, alphabet.space, gate, s, pitch, index, prob, this.scratch, sink, q0)
        else fuseRun(f, queried, q0, q1, neighbour, stores.chars.pool, gate, s, index, prob, decided, this.scratch, sink)
      },
      out,
      this.scratch,
      which,
      dirty,
    )
  }

  /**
   * The frames each line must fuse again: those whose neighbours changed, and those whose unanimous vote
   * only gained or lost weight where their unit (fuseRun pools a character's frames) does not vote for
   * the model's own character alone — a unit that does keeps the model's rows whatever the weights (early
   * in a batch of one print this is most of what a correction touches) — or where it is a gap.
   */
  unitsToFuse(touched: Touched, reweighted: Map<number, number[]>): Touched {
    for (const [id, frames] of reweighted) {
      const line = this.state.lines.get(id)!
      const asked = touched.get(id)
      if (asked === null || line.corrected !== null) continue
      const same = sameUnit(line)
      const neighbour = this.state.stores.neighbour(line)
      const which = asked ?? []
      // A gap's gate reads its nearest neighbour's distance too, which a new entry can move while the vote
      // stays unanimous: every reweighted gap is judged again (a fuseGap each; the line is decoded again
      // only if its decision changes). Left out, 3 of 8,173 forms-dev lines kept a space a full recompute
      // reads otherwise.
      for (const q of frames) if (line.gap[q] || !this.votesAlone(line, q, same, neighbour)) which.push(q)
      if (which.length) touched.set(id, which)
    }
    return touched
  }

  /** Whether every vote of the character unit holding queried frame q goes to the model's own character. */
  private votesAlone(line: LineState, q: number, same: (q: number) => boolean, neighbour: (q: number) => FrameNeighbours): boolean {
    let q0 = q
    while (q0 > 0 && same(q0)) q0--
    let q1 = q + 1
    while (q1 < line.queried.length && same(q1)) q1++
    const pool = this.state.stores.chars.pool
    const label = charAt(line.frames, line.queried[q0])
    for (let u = q0; u < q1; u++) {
      const n = neighbour(u)
      for (let i = 0; i < n.count && n.sims[n.at] - n.sims[n.at + i] <= this.state.settings.voteWindow; i++) {
        if (pool.label(n.ids[n.at + i]) !== label) return false
      }
    }
    return true
  }

  /** Decodes a line's fused frames, again only in the segments that hold a `dirty` frame. */
  private decodeFused(line: LineState, dirty: Uint8Array): Decoded {
    const { alphabet } = this.state
    line.segments = decodeSegments(fusedFrames(line), alphabet, contextBeam(this.state), line.segments ? { previous: line.segments, dirty } : undefined)
    return joinSegments(line.segments, alphabet)
  }

  /**
   * Re-fuses the given frames of each line (all of them for null); lines whose fused frames changed are
   * decoded again, and lines asked for whole are decoded whatever — unless `keepUnmoved`: then a line whose
   * rows did not move and that was decoded in context keeps its reading, which is exactly what decoding
   * it again would give (the same rows, neighbours and examples).
   */
  redecode(frames: Touched, keepUnmoved = false): UpdateResult {
    const changed: number[] = []
    let redecoded = 0
    const { stores, gate } = this.state
    const pools = { chars: stores.chars.pool, gaps: stores.gaps.pool }
    for (const [id, which] of frames) {
      const line = this.state.lines.get(id)
      if (!line || line.corrected !== null) continue
      // With context off every row is the model's, whatever the neighbours: a line's rows were made so
      // when it went off (every line is re-fused then), and only a line asked for whole can be stale.
      if (!gate.on && which) continue
      const neighbour = stores.neighbour(line)
      const dirty = new Uint8Array(line.frames.frames)
      const moved = this.fuse(line, neighbour, gate, line.fused, which ?? undefined, dirty)
      if (moved && line.lexicon && touches(line.lexicon.windows, dirty)) line.lexicon = null
      if (!moved && (which || (keepUnmoved && gate.on && line.segments))) continue
      redecoded++
      const next = gate.on ? coherentCase(this.decodeFused(line, dirty), line.model) : null
      if (!next) line.segments = null
      line.knn = next && next.text !== line.model.text ? { ...next, examples: this.examples.examplesOf(line, neighbour, pools) } : null
      if (this.show(line)) changed.push(id)
    }
    return { changed, redecoded }
  }

  /**
   * Every line, fused and decoded again. After a change of gate (`keepUnmoved`) only the lines whose rows
   * moved are decoded: most of a 50,000-line batch has no close neighbour, and its rows are the model's
   * under any gate.
   */
  redecodeAll(keepUnmoved = false): UpdateResult {
    return this.redecode(new Map(this.state.order.map((id) => [id, null])), keepUnmoved)
  }

  /**
   * Sets what the line shows: its kNN decode (else the model's reading) after the batch's lexicon, read on
   * the line's fused rows. True when the text or its confidence changed.
   */
  private show(line: LineState): boolean {
    const { book, alphabet } = this.state
    const base = line.knn ?? line.model
    const bias = this.state.decision.lexiconBias
    let lex = null
    // With the lexicon off, its index of spans is left as it is: a change of bias reads every line again.
    if (bias > 0) {
      book.spans.set(line.id, base.text)
      if (line.lexicon?.text !== base.text || line.lexicon.bias !== bias) {
        // Scored on the segments of the fused rows' decoding where there is one; rows still the model's
        // are scored whole (decoding the model's rows again only to cut them costs more than it saves).
        const found = readWithLexicon({ frames: fusedFrames(line), reading: base, segments: line.segments }, book.lexicon, alphabet, bias, {
          scratch: this.scoreScratch,
        })
        line.lexicon = { ...found, text: base.text, bias }
      }
      // The same replacements, on the confidences the reading has now.
      lex = applySteps(base, line.lexicon.steps)
    }
    let shown = line.knn
    if (lex) {
      // The corrected lines each taken word came from join the line's examples.
      const fromWords = lex.entries.flatMap((e) => book.lexicon.linesWith(e).filter((id) => id > 0).slice(0, 2))
      const examples = [...new Set([...(line.knn?.examples ?? []), ...fromWords])].slice(0, 5)
      shown = { text: lex.text, charConfidences: lex.charConfidences, confidence: lex.confidence, examples }
    }
    // The batch's writing conventions last: they hold for the model's reading, context's and the lexicon's alike.
    const convention = this.state.cases.convention()
    const unspaced = this.state.marks.unspaced()
    if (convention || unspaced) {
      const { text, charConfidences, confidence } = line.model
      shown = unspacedBefore(inCase(shown ?? { text, charConfidences, confidence, examples: [] }, convention), unspaced)
    }
    if (shown && shown.text === line.model.text) shown = null
    const before = line.reading
    line.reading = shown
    return shown?.text !== before?.text || (!!shown && !!before && shown.confidence !== before.confidence)
  }

  /** `show` on each uncorrected line of `ids`; returns those whose reading changed. */
  relex(ids: Iterable<number>): number[] {
    const changed: number[] = []
    for (const id of ids) {
      const line = this.state.lines.get(id)
      if (line && line.corrected === null && this.show(line)) changed.push(id)
    }
    return changed
  }
}

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
