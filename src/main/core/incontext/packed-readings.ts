// In-context readings as they cross from the context worker to the engine's main thread: a handful of
// typed arrays and one string, moved (not copied) with the reply, and read one line at a time when the
// main thread asks for that line. A change of trust re-reads tens of thousands of lines; sent as that many
// objects (a text, an array of confidences and one of examples each), the reply's structured clone and the
// garbage it left held the main thread for hundreds of milliseconds at 50,000 lines.
import type { ContextReading } from './line-state'

export interface PackedReadings {
  ids: Int32Array
  /** 0: the line is back to the model's reading (no in-context reading). */
  present: Uint8Array
  /** Every reading's text, one after the other; `textEnd[i]` is where line i's ends. */
  text: string
  textEnd: Uint32Array
  confidence: Float64Array
  charConfidences: Float64Array
  charEnd: Uint32Array
  examples: Int32Array
  exampleEnd: Uint32Array
}

/** Packs `[id, reading | null]` pairs; `transfer` is the memory the reply moves. */
export function packReadings(entries: ReadonlyArray<readonly [number, ContextReading | null]>): { packed: PackedReadings; transfer: ArrayBuffer[] } {
  const n = entries.length
  let chars = 0
  let examples = 0
  for (const [, r] of entries) {
    if (!r) continue
    chars += r.charConfidences.length
    examples += r.examples.length
  }
  const packed: PackedReadings = {
    ids: new Int32Array(n),
    present: new Uint8Array(n),
    text: '',
    textEnd: new Uint32Array(n),
    confidence: new Float64Array(n),
    charConfidences: new Float64Array(chars),
    charEnd: new Uint32Array(n),
    examples: new Int32Array(examples),
    exampleEnd: new Uint32Array(n),
  }
  const texts: string[] = []
  let textAt = 0
  let charAt = 0
  let exampleAt = 0
  for (let i = 0; i < n; i++) {
    const [id, r] = entries[i]
    packed.ids[i] = id
    if (r) {
      packed.present[i] = 1
      texts.push(r.text)
      textAt += r.text.length
      packed.confidence[i] = r.confidence
      packed.charConfidences.set(r.charConfidences, charAt)
      charAt += r.charConfidences.length
      packed.examples.set(r.examples, exampleAt)
      exampleAt += r.examples.length
    }
    packed.textEnd[i] = textAt
    packed.charEnd[i] = charAt
    packed.exampleEnd[i] = exampleAt
  }
  packed.text = texts.join('')
  const { text: _text, ...arrays } = packed
  return { packed, transfer: Object.values(arrays).map((a) => a.buffer as ArrayBuffer) }
}

/** Line i of a pack as a reading (null: the model's), made when asked for. */
export function unpackReading(p: PackedReadings, i: number): ContextReading | null {
  if (!p.present[i]) return null
  const from = (end: Uint32Array) => (i ? end[i - 1] : 0)
  return {
    text: p.text.slice(from(p.textEnd), p.textEnd[i]),
    confidence: p.confidence[i],
    charConfidences: Array.from(p.charConfidences.subarray(from(p.charEnd), p.charEnd[i])),
    examples: Array.from(p.examples.subarray(from(p.exampleEnd), p.exampleEnd[i])),
  }
}
