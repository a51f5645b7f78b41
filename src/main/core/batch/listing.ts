// What the review list needs of every line of a batch, held in memory per batch so that hardest-first
// order, filters and search over 100,000 lines never ship rows to the renderer: the renderer asks for
// one page of ids at a time. Entries are refreshed by id on `lines:changed` (a correction touches a
// few); a kept order takes its changed entries out and merges them back in where they now rank, rather
// than sorting the batch again (a 50,000-line sort held the main thread ~80 ms after every correction).
// A newly loaded context re-reads the whole batch.
import { basename } from 'node:path'
import type { LineFilter, LineOrder, LineRow } from '../../../shared/api'
import { hardness } from '../../../shared/review-order'
import type { EventBus } from '../event-bus'
import type { ContextView } from '../incontext/context-client'
import type { Db } from '../store/db'

export interface ListEntry {
  id: number
  index: number
  file: string
  state: LineRow['state']
  source: LineRow['source']
  review: LineRow['review']
  text: string
  modelText: string
  confidence: number
  modelConfidence: number
  error: string | null
  /** For a line found on a page: its page (1-based), its number on that page, its quad there. */
  page: number | null
  lineOnPage: number | null
  quad: string | null
  /** The search key: the shown text, lower case. */
  key: string
  rank: number
}

export interface ListQuery {
  batchId: number
  order: LineOrder
  filter: LineFilter
  search: string
}

export interface BatchTotals {
  lines: number
  read: number
  failed: number
  reviewed: number
  context: number
  unreviewedConfidence: number
}

export interface LineIndex {
  /** Every line of the batch in document order, current. */
  entries(batchId: number): ListEntry[]
  /** The ids a listing shows, in its order (cached until the batch changes). */
  ids(query: ListQuery): Int32Array
  totals(batchId: number): BatchTotals
  /**
   * Lines whose in-context reading changed (nothing in the library did): their entries are updated from
   * the context at once, without SQL, and the `lines:changed` that follows does not send them to SQL
   * again. A change of trust can re-read tens of thousands of lines; re-reading them from the library on
   * the main thread blocked it for hundreds of milliseconds.
   */
  contextChanged(batchId: number, ids: number[]): void
  close(): void
}

// Lines that cannot be reviewed yet (or at all) wait after every readable unreviewed line but before
// the reviewed ones (hardness 2): a failed line needs a look, not a correction.
const FAILED_RANK = 1.5
const PENDING_RANK = 1.75
/** Orders kept per batch: the listings a screen switches between (order × filter × a search or two). */
const KEPT_ORDERS = 8
/** Past this many changed lines at once a full re-read is cheaper than one lookup per id. */
const FULL_REFRESH = 5_000
/** A kept order with more than this share of its batch changed is sorted again rather than merged. */
const RESORT_SHARE = 0.25

/** A listing kept between requests, and the entries that changed since it was made. */
interface KeptOrder {
  ids: Int32Array
  changed: Set<number>
}

interface Cached {
  entries: ListEntry[]
  byId: Map<number, number>
  context: ContextView | undefined
  dirty: Set<number>
  /** Ids already brought up to date by contextChanged, for the lines:changed event that follows. */
  fresh: Set<number>
  full: boolean
  orders: Map<string, KeptOrder>
  totals: BatchTotals | null
}

export function createLineIndex(deps: { db: Db; events: EventBus; contextOf: (batchId: number) => ContextView | undefined }): LineIndex {
  const { db, events, contextOf } = deps
  const select = `
    SELECT l.id, l.idx AS "index", l.source_path AS path, r.text, r.confidence, r.error,
           r.line_id IS NOT NULL AS hasReading, c.text AS humanText, c.kind AS kind, p.page_no AS pageNo, l.quad,
           CASE WHEN l.page_id IS NULL THEN NULL
                ELSE (SELECT count(*) FROM lines l2 WHERE l2.page_id = l.page_id AND l2.idx < l.idx) + 1 END AS lineOnPage
    FROM lines l LEFT JOIN readings r ON r.line_id = l.id LEFT JOIN pages p ON p.id = l.page_id
    LEFT JOIN corrections c ON c.id = (SELECT max(c2.id) FROM corrections c2 WHERE c2.line_id = l.id)`
  const q = {
    all: db.prepare(`${select} WHERE l.batch_id = ? ORDER BY l.idx`),
    some: db.prepare(`${select} WHERE l.id IN (SELECT value FROM json_each(?))`),
  }
  const cache = new Map<number, Cached>()

  const stop = events.on('lines:changed', ({ batchId, ids }) => {
    const c = cache.get(batchId)
    if (!c) return
    for (const id of ids) if (!c.fresh.has(id)) c.dirty.add(id)
    c.fresh.clear()
    if (c.dirty.size > FULL_REFRESH) c.full = true
  })

  function toEntry(r: any, ctx: ContextView | undefined): ListEntry {
    const state: ListEntry['state'] = !r.hasReading ? 'pending' : r.error ? 'failed' : 'read'
    const modelText = r.text ?? ''
    const modelConfidence = r.confidence ?? 0
    const e: ListEntry = {
      id: r.id,
      index: r.index,
      file: r.path ? basename(r.path) : `line ${r.index + 1}`,
      state,
      source: 'model',
      review: null,
      text: modelText,
      modelText,
      confidence: modelConfidence,
      modelConfidence,
      error: r.error ?? null,
      page: r.pageNo === null || r.pageNo === undefined ? null : r.pageNo + 1,
      lineOnPage: r.lineOnPage ?? null,
      quad: r.quad ?? null,
      key: '',
      rank: 0,
    }
    if (r.humanText !== null && r.humanText !== undefined) {
      e.text = r.humanText
      e.source = 'human'
      e.review = r.kind === 'accepted' ? 'accepted' : 'typed'
    }
    e.key = e.text.toLowerCase()
    e.rank = state === 'read' || e.source === 'human' ? hardness(e) : state === 'failed' ? FAILED_RANK : PENDING_RANK
    overlayContext(e, ctx)
    return e
  }

  function build(batchId: number): Cached {
    const context = contextOf(batchId)
    const entries = (q.all.all(batchId) as any[]).map((r) => toEntry(r, context))
    const byId = new Map<number, number>()
    entries.forEach((e, i) => byId.set(e.id, i))
    return { entries, byId, context, dirty: new Set(), fresh: new Set(), full: false, orders: new Map(), totals: null }
  }

  /** The context's reading over an entry the reviewer has not reviewed (nothing from the library). */
  function overlayContext(e: ListEntry, ctx: ContextView | undefined) {
    if (e.source === 'human' || e.state !== 'read') return
    const reading = ctx?.reading(e.id)
    e.text = reading ? reading.text : e.modelText
    e.confidence = reading ? reading.confidence : e.modelConfidence
    e.source = reading ? 'context' : 'model'
    e.key = e.text.toLowerCase()
    e.rank = hardness(e)
  }

  function current(batchId: number): Cached {
    let c = cache.get(batchId)
    if (!c || c.full) {
      c = build(batchId)
      cache.set(batchId, c)
      return c
    }
    if (c.context !== contextOf(batchId)) {
      // The batch's context loaded (or was replaced): its readings go over the entries in memory; the
      // library has nothing new to say about them (a rebuild from SQL took ~400 ms at 50,000 lines).
      c.context = contextOf(batchId)
      for (const e of c.entries) overlayContext(e, c.context)
      c.orders.clear()
      c.totals = null
    }
    if (c.dirty.size) {
      const ids = [...c.dirty]
      c.dirty.clear()
      let grew = false
      for (const r of q.some.all(JSON.stringify(ids)) as any[]) {
        const at = c.byId.get(r.id)
        if (at === undefined) grew = true
        else c.entries[at] = toEntry(r, c.context)
      }
      if (grew) {
        c = build(batchId)
        cache.set(batchId, c)
      }
      changedEntries(c, ids)
    }
    return c
  }

  /** Kept orders will merge these entries back in where they now belong. */
  function changedEntries(c: Cached, ids: Iterable<number>) {
    for (const [key, kept] of c.orders) {
      for (const id of ids) kept.changed.add(id)
      if (kept.changed.size > c.entries.length * RESORT_SHARE) c.orders.delete(key)
    }
    c.totals = null
  }

  const before = (order: LineOrder) =>
    order === 'hardest' ? (a: ListEntry, b: ListEntry) => a.rank - b.rank || a.index - b.index : (a: ListEntry, b: ListEntry) => a.index - b.index

  /**
   * A kept order brought up to date: entries that did not change keep their places relative to each
   * other (nothing they are ordered by changed); the changed ones that still belong are sorted and
   * merged in. The same as sorting afresh (tested), in one pass over the order.
   */
  function merged(c: Cached, kept: KeptOrder, keep: (e: ListEntry) => boolean, order: LineOrder): Int32Array {
    const cmp = before(order)
    const entry = (id: number) => c.entries[c.byId.get(id)!]
    const moved = [...kept.changed].map((id) => c.byId.get(id)).filter((at) => at !== undefined).map((at) => c.entries[at!]).filter(keep).sort(cmp)
    const out = new Int32Array(kept.ids.length + moved.length)
    let n = 0
    let m = 0
    const ids = kept.ids
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (kept.changed.has(id)) continue
      if (m < moved.length) {
        const e = entry(id)
        while (m < moved.length && cmp(moved[m], e) < 0) out[n++] = moved[m++].id
      }
      out[n++] = id
    }
    while (m < moved.length) out[n++] = moved[m++].id
    return out.slice(0, n)
  }

  function matches(e: ListEntry, filter: LineFilter): boolean {
    switch (filter) {
      case 'all':
        return true
      case 'unreviewed':
        return e.source !== 'human'
      case 'corrected':
        return e.source === 'human'
      case 'context':
        return e.source === 'context'
      default:
        throw new Error(`unknown filter: ${String(filter satisfies never)}`)
    }
  }

  return {
    entries: (batchId) => current(batchId).entries,

    ids({ batchId, order, filter, search }) {
      const c = current(batchId)
      const needle = search.trim().toLowerCase()
      const key = `${order}\u0000${filter}\u0000${needle}`
      const keep = (e: ListEntry) => matches(e, filter) && (!needle || e.key.includes(needle))
      const kept = c.orders.get(key)
      if (kept) {
        if (kept.changed.size) (kept.ids = merged(c, kept, keep, order)), kept.changed.clear()
        return kept.ids
      }
      const chosen = c.entries.filter(keep)
      if (order === 'hardest') chosen.sort(before(order))
      const ids = Int32Array.from(chosen, (e) => e.id)
      if (c.orders.size >= KEPT_ORDERS) c.orders.delete(c.orders.keys().next().value!)
      c.orders.set(key, { ids, changed: new Set() })
      return ids
    },

    totals(batchId) {
      const c = current(batchId)
      if (c.totals) return c.totals
      const t: BatchTotals = { lines: c.entries.length, read: 0, failed: 0, reviewed: 0, context: 0, unreviewedConfidence: 0 }
      let sum = 0
      let open = 0
      for (const e of c.entries) {
        if (e.state === 'read') t.read++
        if (e.state === 'failed') t.failed++
        if (e.source === 'human') t.reviewed++
        else if (e.source === 'context') t.context++
        if (e.source !== 'human' && e.state === 'read') {
          sum += e.confidence
          open++
        }
      }
      t.unreviewedConfidence = open ? sum / open : 0
      c.totals = t
      return t
    },

    contextChanged(batchId, ids) {
      const c = cache.get(batchId)
      if (!c || c.full || c.context !== contextOf(batchId)) return
      for (const id of ids) {
        const at = c.byId.get(id)
        if (at === undefined) continue
        const e = c.entries[at]
        // A reviewed line's text comes from the library: it is left to the SQL refresh.
        if (e.source === 'human' || e.state !== 'read') continue
        c.fresh.add(id)
        overlayContext(e, c.context)
      }
      changedEntries(c, ids)
    },

    close: () => stop(),
  }
}
