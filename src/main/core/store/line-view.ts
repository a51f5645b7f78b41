// What the reviewer sees of a line, decided here and nowhere else: the reviewer's own text (typed, or a
// reading accepted) over everything; else, for a line that was read, the batch's in-context reading when
// its context has one; else the model's reading. The API's rows (lineRow), the listing's entries and
// through them the export all take a line's text, source and confidence from lineView.
import { basename } from 'node:path'
import type { LineRow } from '../../../shared/api'
import { likelyJunk } from './line-junk'
import type { LineRecord, RowRecord } from './lines'

/** An in-context reading as a view takes it (the in-context engine's readings are such). */
export type InContextReading = Pick<LineRow, 'text' | 'confidence' | 'charConfidences' | 'examples'>

/** A batch's in-context readings by line (a loaded context is one). */
export interface InContextReadings {
  reading(lineId: number): InContextReading | null
}

/** The fields every view of a line shares. */
export interface LineView {
  id: number
  index: number
  file: string
  state: LineRow['state']
  source: LineRow['source']
  review: LineRow['review']
  /** The text shown, and its confidence (a reviewed line keeps the model's). */
  text: string
  confidence: number
  modelText: string
  modelConfidence: number
  error: string | null
  /** For a line found on a page: the page number in its document (1-based). */
  page: number | null
  /** The reviewer said it is not text: out of the review order, the counts, the pool and the export's text. */
  notText: boolean
  /** Probably not text (store/line-junk.ts), and nobody said otherwise: grouped at the end of the order. */
  likelyJunk: boolean
}

export function lineView(r: LineRecord, reading: InContextReading | null | undefined): LineView {
  const modelText = r.text ?? ''
  const modelConfidence = r.confidence ?? 0
  const view: LineView = {
    id: r.id,
    index: r.index,
    file: r.path ? basename(r.path) : `line ${r.index + 1}`,
    state: !r.hasReading ? 'pending' : r.error ? 'failed' : 'read',
    source: 'model',
    review: null,
    text: modelText,
    confidence: modelConfidence,
    modelText,
    modelConfidence,
    error: r.error ?? null,
    page: r.pageNo === null || r.pageNo === undefined ? null : r.pageNo + 1,
    notText: r.notText === 1,
    likelyJunk: false,
  }
  if (view.notText) return view
  if (r.humanText !== null && r.humanText !== undefined) {
    view.text = r.humanText
    view.source = 'human'
    view.review = r.kind === 'accepted' ? 'accepted' : 'typed'
  } else takeContext(view, reading)
  // Only a line nobody has decided on: one reviewed, or said to be text, is not junk.
  view.likelyJunk =
    view.source !== 'human' &&
    view.state === 'read' &&
    r.kind !== 'is-text' &&
    likelyJunk({ text: modelText, confidence: modelConfidence, detScore: r.detScore ?? null, detJunk: r.detJunk ?? 0 })
  return view
}

/**
 * The in-context reading over a line that was read and that the reviewer has not reviewed; the model's
 * reading when the context has none for it (any more). False, and the view untouched, when the line is
 * not the context's to change. (The context reads only lines that were read, so a reading never reaches
 * a pending or failed line.)
 */
export function takeContext(view: LineView, reading: InContextReading | null | undefined): boolean {
  if (view.source === 'human' || view.state !== 'read' || view.notText) return false
  view.text = reading ? reading.text : view.modelText
  view.confidence = reading ? reading.confidence : view.modelConfidence
  view.source = reading ? 'context' : 'model'
  return true
}

/** A line as the API shows it: its view, with the confidences of the characters shown and its examples. */
export function lineRow(r: RowRecord, context: InContextReadings | undefined): LineRow {
  const reading = context?.reading(r.id)
  const v = lineView(r, reading)
  const fromContext = v.source === 'context' ? reading! : null
  return {
    id: r.id,
    batchId: r.batchId,
    index: r.index,
    file: v.file,
    state: v.state,
    text: v.text,
    source: v.source,
    modelText: v.modelText,
    confidence: v.confidence,
    examples: fromContext ? fromContext.examples : [],
    error: v.error,
    charConfidences: fromContext ? fromContext.charConfidences : v.source === 'human' || !r.charConfidences ? [] : floats(r.charConfidences),
    review: v.review,
    page: v.page,
    quad: r.quad ? (JSON.parse(r.quad) as Array<[number, number]>) : null,
    notText: v.notText,
    likelyJunk: v.likelyJunk,
  }
}

/** A Float32 blob as numbers (copied: SQLite's buffer may not be 4-byte aligned). */
function floats(blob: Buffer): number[] {
  return Array.from(new Float32Array(new Uint8Array(blob).buffer))
}
