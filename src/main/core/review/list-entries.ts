// What a batch's listing holds of each line (its view, search key and rank), and how listings are made of
// those entries: filtered, ordered, merged again after a change, and counted. Pure functions; the index
// that keeps entries current is listing.ts.
import type { LineFilter, LineOrder } from '../../../shared/api'
import { hardness } from '../../../shared/review-order'
import { sortInSlices } from '../sort-in-slices'
import { timeSlices } from '../slices'
import { lineView, takeContext, type InContextReadings, type LineView } from '../store/line-view'
import type { EntryRecord } from '../store/lines'
import { readingSignals, type ReadingSignals, type SelfCheck } from './self-check'

export interface ListEntry extends LineView {
  /** For a line found on a page: its number on that page, its quad there (JSON). */
  lineOnPage: number | null
  quad: string | null
  /** The search key: the shown text, lower case. */
  key: string
  rank: number
  /** What the model's reading's own decoding says of it, and of the context's reading when one is shown. */
  modelSignals: ReadingSignals | null
  shownSignals: ReadingSignals | null
  /** The probability that the shown text is wrong (0 for a reviewed line), from the batch's self-check. */
  wrong: number
}

export interface BatchTotals {
  /** Lines less those marked not text; the others count only lines that are text too. */
  lines: number
  read: number
  failed: number
  reviewed: number
  context: number
  notText: number
  unreviewedConfidence: number
  /** The lines not yet reviewed that are probably still wrong: the sum of their probabilities of being wrong. */
  probablyWrong: number
}

// Lines that cannot be reviewed yet (or at all) wait after every readable unreviewed line but before
// the reviewed ones (hardness 2): a failed line needs a look, not a correction.
const FAILED_RANK = 1.5
const PENDING_RANK = 1.75
// A line marked not text is out of the review: after everything, reviewed lines included.
const NOT_TEXT_RANK = 3
// Likely junk waits in a group of its own after every line worth reading, failed and pending ones too,
// before the reviewed ones; the surest of it last.
const JUNK_RANK = 1.8

export function toEntry(r: EntryRecord, ctx: InContextReadings | undefined, check: SelfCheck): ListEntry {
  // The view becomes the entry, its fields added rather than copied: spreading a view into a new object
  // per line made building a 50,000-line index several times slower.
  const reading = ctx?.reading(r.id)
  const e = lineView(r, reading) as ListEntry
  e.lineOnPage = r.lineOnPage ?? null
  e.quad = r.quad ?? null
  e.modelSignals =
    r.text === null || r.text === undefined ? null : readingSignals(r.text, r.charConfidences ? floats(r.charConfidences) : [], r.confidence ?? 0, r.greedyText)
  e.shownSignals = contextSignals(e, reading)
  rankEntry(e, check)
  return e
}

/** The context's reading over an entry the reviewer has not reviewed (nothing from the library). */
export function overlayContext(e: ListEntry, ctx: InContextReadings | undefined, check: SelfCheck) {
  const reading = ctx?.reading(e.id)
  if (!takeContext(e, reading)) return
  e.shownSignals = contextSignals(e, reading)
  rankEntry(e, check)
}

function contextSignals(e: ListEntry, reading: ReturnType<InContextReadings['reading']> | undefined): ReadingSignals | null {
  return e.source === 'context' && reading ? readingSignals(reading.text, reading.charConfidences, reading.confidence) : null
}

/** The model reading's features, as the self-check weighs them (a reviewed line is a labelled example of them). */
export function modelFeatures(e: ListEntry, check: SelfCheck): Float64Array | null {
  if (!e.modelSignals) return null
  let kept = modelX.get(e)
  if (!kept || kept.words !== check.wordsVersion) modelX.set(e, (kept = { x: check.features(e.modelText, e.modelSignals), words: check.wordsVersion }))
  return kept.x
}

/**
 * Each entry's model-reading features, kept beside it (a fit ranks every line again, and taking them
 * again was most of that), with the word count they were taken with; an entry read again is a new one.
 */
const modelX = new WeakMap<ListEntry, { x: Float64Array; words: number }>()

/**
 * What an unreviewed line is judged on: its shown text — the model's reading, or the one context gives
 * (whose changed characters carry the gate's confidence, so that a change that is still uncertain floats up
 * for a look, and a batch's convention that context learnt no longer counts against a line it fixed).
 */
function shownFeatures(e: ListEntry, check: SelfCheck): Float64Array | null {
  if (e.source === 'context' && e.shownSignals) return check.features(e.text, e.shownSignals)
  return modelFeatures(e, check)
}

/** The search key, the probability of being wrong and the hardest-first rank of an entry's current text. */
export function rankEntry(e: ListEntry, check: SelfCheck) {
  e.key = e.text.toLowerCase()
  const judged = e.state === 'read' && e.source !== 'human' && !e.notText
  const x = judged ? shownFeatures(e, check) : null
  e.wrong = !judged ? 0 : x ? check.probability(x) : 1 - e.confidence
  const orderWrong = !judged ? 0 : x ? check.orderProbability(x) : 1 - e.confidence
  e.rank = e.notText
    ? NOT_TEXT_RANK
    : e.likelyJunk
      ? JUNK_RANK + 0.1 * e.confidence
      : e.state === 'read' || e.source === 'human'
        ? hardness({ source: e.source, wrong: orderWrong })
        : e.state === 'failed'
          ? FAILED_RANK
          : PENDING_RANK
}

/** A Float32 blob as numbers (copied: SQLite's buffer may not be 4-byte aligned). */
function floats(blob: Buffer): Float32Array {
  return new Float32Array(new Uint8Array(blob).buffer)
}

export function matches(e: ListEntry, filter: LineFilter): boolean {
  switch (filter) {
    case 'all':
      return true
    case 'unreviewed':
      return e.source !== 'human' && !e.notText
    case 'corrected':
      return e.source === 'human'
    case 'context':
      return e.source === 'context'
    case 'not-text':
      return e.notText
    default:
      throw new Error(`unknown filter: ${String(filter satisfies never)}`)
  }
}

const before = (order: LineOrder) =>
  order === 'hardest' ? (a: ListEntry, b: ListEntry) => a.rank - b.rank || a.index - b.index : (a: ListEntry, b: ListEntry) => a.index - b.index

/**
 * The entries `keep` takes, in `order`, sorted afresh `slice` entries at a time. Their ranks are copied
 * first, a time slice at a time (on 2 cores busy with the in-context worker, taking 50,000 ranks at once
 * held the main thread ~60 ms): entries may change while the sort runs in slices, and such changes reach
 * the kept order as changed ids, merged in at its next use.
 */
export async function sorted(entries: ListEntry[], keep: (e: ListEntry) => boolean, order: LineOrder, slice: number): Promise<Int32Array> {
  const slices = timeSlices(8)
  const id = new Int32Array(entries.length)
  const rank = order === 'hardest' ? new Float64Array(entries.length) : null
  let n = 0
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]
    if (keep(e)) {
      id[n] = e.id
      if (rank) rank[n] = e.rank
      n++
    }
    if (slices.due()) await slices.breathe()
  }
  if (!rank) return id.slice(0, n)
  // Entries are in document order, so a position breaks a tie of ranks as the document index does.
  const positions = new Array<number>(n)
  for (let p = 0; p < n; p++) positions[p] = p
  const byRank = await sortInSlices(positions, (a, b) => rank[a] - rank[b] || a - b, slice)
  const ids = new Int32Array(n)
  for (let p = 0; p < n; p++) ids[p] = id[byRank[p]]
  return ids
}

/**
 * A kept order brought up to date: entries that did not change keep their places relative to each
 * other (nothing they are ordered by changed); the changed ones that still belong are sorted and
 * merged in. The same as sorting afresh (tested), in one pass over the order.
 */
export function merged(
  entryOf: (id: number) => ListEntry | undefined,
  ids: Int32Array,
  changed: Set<number>,
  keep: (e: ListEntry) => boolean,
  order: LineOrder,
): Int32Array {
  const cmp = before(order)
  const moved = [...changed].map(entryOf).filter((e): e is ListEntry => e !== undefined).filter(keep).sort(cmp)
  const out = new Int32Array(ids.length + moved.length)
  let n = 0
  let m = 0
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    if (changed.has(id)) continue
    if (m < moved.length) {
      const e = entryOf(id)!
      while (m < moved.length && cmp(moved[m], e) < 0) out[n++] = moved[m++].id
    }
    out[n++] = id
  }
  while (m < moved.length) out[n++] = moved[m++].id
  return out.slice(0, n)
}

export function totalsOf(entries: ListEntry[]): BatchTotals {
  const t: BatchTotals = { lines: 0, read: 0, failed: 0, reviewed: 0, context: 0, notText: 0, unreviewedConfidence: 0, probablyWrong: 0 }
  let sum = 0
  let open = 0
  for (const e of entries) {
    if (e.notText) {
      t.notText++
      continue
    }
    t.lines++
    if (e.state === 'read') t.read++
    if (e.state === 'failed') t.failed++
    if (e.source === 'human') t.reviewed++
    else if (e.source === 'context') t.context++
    if (e.source !== 'human' && e.state === 'read') {
      sum += e.confidence
      t.probablyWrong += e.wrong
      open++
    }
  }
  t.unreviewedConfidence = open ? sum / open : 0
  return t
}
