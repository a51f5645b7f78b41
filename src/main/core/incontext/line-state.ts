import type { Decoded, Segments } from '../recognize/ctc'
import type { LineFrames } from '../recognize/frames'
import type { LexiconResult } from './lexicon-reading'
import type { Slab } from './slab'

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

/** A line's rows after fusion (top-k per frame, as the model's), and per queried frame the label context decided. */
export interface Fused {
  index: Uint16Array
  prob: Float32Array
  decided: Int32Array
}

export interface UpdateResult {
  /** Uncorrected lines whose context reading changed (text or confidence). */
  changed: number[]
  /** Lines re-decoded (their neighbours or the batch's trust changed). */
  redecoded: number
  /** Where a correction's time went: neighbour lists (search and merge), calibration, re-fusing and decoding. */
  ms?: { search: number; calibrate: number; decode: number }
  /** For a correction: the characters the reviewer changed in what they were shown, and in the model's reading. */
  effort?: { shown: number; model: number }
}

/** One line of a batch as the context keeps it, from its model reading to what it shows. */
export interface LineState extends Omit<LineInput, 'half'> {
  /**
   * The line's features as fp16 bits (frames × dim), only where the context cannot fetch them from the
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
  /** A corrected line's edits in the lexicon's leave-one-out, per bias of the grid, read from the model's
   *  reading and from context's just before its correction: they change only when a word near its spans
   *  changes in the lexicon (`correctedSpans` says which lines those are). */
  lexiconEdits: { model?: number[]; context?: number[] } | null
  /** The line's frames after fusion (its top-k rows), and per queried frame the label context decided. */
  fused: Fused
  /** `fused` decoded segment by segment, or null when it has not been since it last changed. */
  segments: Segments | null
}

/** A line's rows before fusion: the model's own arrays, which `fuseRows` copies before its first change
 *  (most lines of a big batch never change: 240 MB of copies at 50,000 lines). */
export function unfused(f: LineFrames, queried: number, slab?: Slab): Fused {
  return { index: f.topIndex, prob: f.topProb, decided: (slab ? slab.int32(queried) : new Int32Array(queried)).fill(-1) }
}

/** The line's fused rows as frames to decode or score (features left as they are). */
export function fusedFrames(line: LineState): LineFrames {
  return { ...line.frames, topIndex: line.fused.index, topProb: line.fused.prob }
}

/**
 * Whether queried frame q continues the fusion unit of q − 1. A gap is a unit alone; a character's
 * frames are the consecutive queried character frames where the model reads the same one.
 */
export function sameUnit(line: LineState): (q: number) => boolean {
  const f = line.frames
  const { queried, gap } = line
  // The model's best character on frame t (the first non-blank of its top-k).
  const charAt = (t: number) => {
    for (let j = t * f.k; j < (t + 1) * f.k; j++) if (f.topIndex[j] !== 0) return f.topIndex[j]
    return -1
  }
  return (q) => !gap[q] && !gap[q - 1] && queried[q] === queried[q - 1] + 1 && charAt(queried[q]) === charAt(queried[q - 1])
}
