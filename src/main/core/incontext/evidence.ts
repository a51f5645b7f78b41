import { distance } from 'fastest-levenshtein'
import { decodeSegments, joinSegments } from '../recognize/ctc'
import { contextBeam } from './batch-scripts'
import type { LineFrames } from '../recognize/frames'
import type { Alignment } from './align'
import type { GateExample } from './gate'
import type { ReadLine } from './lexicon-reading'
import { unfused, type LineState } from './line-state'
import type { FrameNeighbours } from './fuse'
import type { Reader } from './reread'
import type { ContextState } from './state'
import { coherentCase } from './word-case'

/** A contested unit of a line: where its frames are, the labels of the vote and of the model, its features. */
interface Unit {
  gap: boolean
  q0: number
  q1: number
  vote: number
  model: number
  x: number[]
}

/**
 * A corrected line as context would have read it just before the correction — with the pool as it
 * stood, the line's own frames not yet in it, and the gate on. This is the batch's evidence: it is what
 * context does to lines it has not seen, measured on every correction rather than on a few replayed
 * ones, and it costs one line's fusion (no search: the line's neighbour lists are the live ones).
 * Corrections come hardest first, so the features carry what makes a unit hard (the model's own
 * probabilities) and the gate learns it, instead of one trust learnt on the hardest lines.
 */
export interface Snapshot {
  units: Unit[]
  /** The units whose label the reviewer's text settles between the vote's and the model's. */
  examples: GateExample[]
  /** Edits against the reviewer's text: the model's reading, and context's. */
  modelEdits: number
  contextEdits: number
  /** The line as context read it then, for the lexicon's calibration. */
  read: ReadLine
  /** Context's edits with every other correction in the pool (`refreshed`), while there are few. */
  looEdits?: number
}

/**
 * Reads the line in context, gate on, and labels its contested units: with its current neighbour lists
 * (before its own frames join the pool), or with `neighbour` (its lists without its own line's entries).
 */
export function takeSnapshot(
  state: ContextState,
  reader: Reader,
  line: LineState,
  text: string,
  alignment: Alignment | null,
  neighbour: (q: number) => FrameNeighbours = state.stores.neighbour(line),
): Snapshot {
  const units: Unit[] = []
  const fused = unfused(line.frames, line.queried.length)
  const gate = { ...state.gate, on: true }
  reader.fuse(line, neighbour, gate, fused, undefined, undefined, (u) =>
    units.push({ gap: u.gap, q0: u.q0, q1: u.q1, vote: u.vote, model: u.model, x: Array.from(u.x) }),
  )
  const frames = { ...line.frames, topIndex: fused.index, topProb: fused.prob }
  const segments = decodeSegments(frames, state.alphabet, contextBeam(state))
  const reading = coherentCase(joinSegments(segments, state.alphabet), line.model)
  const snapshot: Snapshot = { units, examples: [], modelEdits: 0, contextEdits: 0, read: { frames, reading, segments } }
  relabel(state, line, snapshot, text, alignment)
  return snapshot
}

/** The snapshot's examples and edits against `text` (a line corrected again keeps what it read then). */
export function relabel(state: ContextState, line: LineState, snapshot: Snapshot, text: string, alignment: Alignment | null) {
  snapshot.looEdits = undefined
  snapshot.modelEdits = distance(line.model.text, text)
  snapshot.contextEdits = distance(snapshot.read.reading.text, text)
  snapshot.examples = []
  if (!alignment) return
  const { labels } = alignment
  const { queried } = line
  const f = line.frames
  const space = state.alphabet.space
  for (const u of snapshot.units) {
    if (u.gap) {
      // Every gap asks whether a space belongs there: each is an example.
      snapshot.examples.push({ gap: true, x: u.x, y: gapTruth(labels, f, queried[u.q0], space, u.model) === space ? 1 : 0 })
      continue
    }
    const truth = majority(labels, queried, u.q0, u.q1)
    if (truth === u.vote) snapshot.examples.push({ gap: false, x: u.x, y: 1 })
    else if (truth === u.model) snapshot.examples.push({ gap: false, x: u.x, y: 0 })
  }
}

/**
 * Whether the reviewer's text puts a space at gap frame t: between the characters aligned before and
 * after it (spaces aside) it has one — and the model does not already read a space on another frame
 * between them (that one is the space; this frame's is then a plain gap).
 */
function gapTruth(labels: Int32Array, f: LineFrames, t: number, space: number, model: number): number {
  let before = t - 1
  while (before >= 0 && (labels[before] === 0 || labels[before] === space)) before--
  let after = t + 1
  while (after < labels.length && (labels[after] === 0 || labels[after] === space)) after++
  let has = false
  let modelElsewhere = false
  for (let u = before + 1; u < after; u++) {
    if (labels[u] === space) has = true
    if (u !== t && f.topIndex[u * f.k] === space) modelElsewhere = true
  }
  if (!has) return 0
  return model === space || !modelElsewhere ? space : 0
}

/** The label most of frames queried[q0..q1) are aligned to. */
function majority(labels: Int32Array, queried: Int32Array, q0: number, q1: number): number {
  let best = -1
  let bestCount = 0
  for (let q = q0; q < q1; q++) {
    const l = labels[queried[q]]
    let count = 0
    for (let r = q0; r < q1; r++) if (labels[queried[r]] === l) count++
    if (count > bestCount) (bestCount = count), (best = l)
  }
  return best
}

/**
 * Every corrected line read again as the pool stands now, without its own line's entries (leave-one-out):
 * its edits then (`looEdits`) stand in for the snapshot's own in the decision to trust context at all.
 * While a batch has few corrections the snapshots are readings from a pool of none, one, two lines: a
 * five-receipt batch whose reviewer writes capitals had, after 18 corrections, 5 lines better and 1 worse
 * in them and context stayed off. The gate still learns from the snapshots' units, read before each
 * correction: fitted on leave-one-out units, small receipt batches broke 4 numbers where they broke none.
 */
export async function refreshed(state: ContextState, reader: Reader): Promise<void> {
  const lines = state.corrections.map((id) => state.lines.get(id)!).filter((line) => state.snapshots.has(line.id))
  if (!lines.length) return
  const lists = await state.stores.leaveOneOut(lines)
  lines.forEach((line, i) => {
    const snapshot = state.snapshots.get(line.id)!
    snapshot.looEdits = distance(takeSnapshot(state, reader, line, line.corrected!, null, (q) => lists[i][q]).read.reading.text, line.corrected!)
  })
}
