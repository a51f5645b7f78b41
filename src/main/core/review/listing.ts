// What the review list needs of every line of a batch, held in memory per batch so that hardest-first
// order, filters and search over 100,000 lines never ship rows to the renderer: the renderer asks for
// one page of ids at a time. Entries are refreshed by id on `lines:changed` (a correction touches a
// few); a kept order takes its changed entries out and merges them back in where they now rank, rather
// than sorting the batch again (a 50,000-line sort held the main thread ~80 ms after every correction).
// A newly loaded context re-reads the whole batch. Building, refreshing and sorting run in slices (see
// bringUpToDate), so the index's API is asynchronous.
import type { LineFilter, LineOrder } from '../../../shared/api'
import { hardness } from '../../../shared/review-order'
import type { EventBus } from '../event-bus'
import type { ContextView } from '../incontext/context-client'
import { breathe } from '../slices'
import { sortInSlices } from '../sort-in-slices'
import type { Db } from '../store/db'
import { lineView, takeContext, type LineView } from '../store/line-view'
import { createLineQueries, type EntryRecord } from '../store/lines'

export interface ListEntry extends LineView {
  /** For a line found on a page: its number on that page, its quad there (JSON). */
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
  entries(batchId: number): Promise<ListEntry[]>
  /** The ids a listing shows, in its order (kept until the batch changes). */
  ids(query: ListQuery): Promise<Int32Array>
  totals(batchId: number): Promise<BatchTotals>
  /**
   * Lines whose in-context reading changed (nothing in the library did): their entries take the context's
   * reading on the next read, without SQL, and the `lines:changed` that follows does not send them to SQL
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
/** Lines per slice: read from the library per query, or taken in between two turns of the event loop. */
const SLICE_ROWS = 1_000

/**
 * A listing kept between requests, and the entries that changed since it was made. While its first sort
 * runs (in slices) `ids` is null and `sorted` resolves to them; changes meanwhile are collected as usual.
 */
interface KeptOrder {
  ids: Int32Array | null
  sorted: Promise<Int32Array> | null
  changed: Set<number>
}

interface Cached {
  entries: ListEntry[]
  byId: Map<number, number>
  context: ContextView | undefined
  /** Lines to read again from the library. */
  dirty: Set<number>
  /** Lines whose context reading changed: the context's reading goes over them again. */
  stale: Set<number>
  /** Ids already brought up to date by contextChanged, for the lines:changed event that follows. */
  fresh: Set<number>
  full: boolean
  orders: Map<string, KeptOrder>
  totals: BatchTotals | null
}

// Every read brings a batch's entries up to date first, a slice at a time (a 50,000-line build from SQL
// held the main thread ~600 ms at once; a change of trust re-reads most of a batch). One update per batch
// runs at a time; changes that arrive meanwhile are taken in before it resolves.
export function createLineIndex(deps: {
  db: Db
  events: EventBus
  contextOf: (batchId: number) => ContextView | undefined
  /** Lines per slice (tests make it small, to have changes land between slices). */
  sliceRows?: number
}): LineIndex {
  const { db, events, contextOf } = deps
  const SLICE = deps.sliceRows ?? SLICE_ROWS
  const lines = createLineQueries(db)
  const cache = new Map<number, Cached>()
  /** A batch's index being built, which changes meanwhile must reach too. */
  const building = new Map<number, Cached>()
  const updating = new Map<number, Promise<Cached>>()

  const stop = events.on('lines:changed', ({ batchId, ids }) => {
    for (const c of [cache.get(batchId), building.get(batchId)]) {
      if (!c) continue
      for (const id of ids) if (!c.fresh.has(id)) c.dirty.add(id)
      c.fresh.clear()
      if (c.dirty.size > FULL_REFRESH) c.full = true
    }
  })

  function toEntry(r: EntryRecord, ctx: ContextView | undefined): ListEntry {
    const e: ListEntry = { ...lineView(r, ctx?.reading(r.id)), lineOnPage: r.lineOnPage ?? null, quad: r.quad ?? null, key: '', rank: 0 }
    rankEntry(e)
    return e
  }

  /** The search key and the hardest-first rank of an entry's current text. */
  function rankEntry(e: ListEntry) {
    e.key = e.text.toLowerCase()
    e.rank = e.state === 'read' || e.source === 'human' ? hardness(e) : e.state === 'failed' ? FAILED_RANK : PENDING_RANK
  }

  const newCache = (context: ContextView | undefined): Cached => ({
    entries: [],
    byId: new Map(),
    context,
    dirty: new Set(),
    stale: new Set(),
    fresh: new Set(),
    full: false,
    orders: new Map(),
    totals: null,
  })

  /** The batch's entries read from the library, a slice at a time. */
  async function build(batchId: number): Promise<Cached> {
    const c = newCache(contextOf(batchId))
    building.set(batchId, c)
    try {
      for (let after = -1; ; ) {
        const rows = lines.entries({ batchId, after, limit: SLICE })
        for (const r of rows) {
          c.byId.set(r.id, c.entries.length)
          c.entries.push(toEntry(r, c.context))
        }
        if (rows.length < SLICE) return c
        after = rows[rows.length - 1].index
        await breathe()
      }
    } finally {
      building.delete(batchId)
    }
  }

  /** The context's reading over an entry the reviewer has not reviewed (nothing from the library). */
  function overlayContext(e: ListEntry, ctx: ContextView | undefined) {
    if (takeContext(e, ctx?.reading(e.id))) rankEntry(e)
  }

  /** Takes in what changed since the last read, until nothing is left. */
  async function bringUpToDate(batchId: number): Promise<Cached> {
    for (;;) {
      let c = cache.get(batchId)
      if (!c || c.full) {
        c = await build(batchId)
        cache.set(batchId, c)
        continue
      }
      if (c.context !== contextOf(batchId)) {
        // The batch's context loaded (or was replaced): its readings go over the entries in memory; the
        // library has nothing new to say about them (a rebuild from SQL took ~400 ms at 50,000 lines).
        c.context = contextOf(batchId)
        c.orders.clear()
        c.totals = null
        for (let i = 0; i < c.entries.length; i++) {
          overlayContext(c.entries[i], c.context)
          if (i % SLICE === SLICE - 1) await breathe()
        }
        continue
      }
      if (c.dirty.size) {
        const ids = [...c.dirty]
        c.dirty.clear()
        for (let i = 0; i < ids.length; i += SLICE) {
          for (const r of lines.entriesByIds(ids.slice(i, i + SLICE))) {
            const at = c.byId.get(r.id)
            // A line the batch did not have (a page's lines just found): read the batch again.
            if (at === undefined) c.full = true
            else c.entries[at] = toEntry(r, c.context)
          }
          if (i + SLICE < ids.length) await breathe()
        }
        changedEntries(c, ids)
        continue
      }
      if (c.stale.size) {
        const ids = [...c.stale]
        c.stale.clear()
        for (let i = 0; i < ids.length; i++) {
          const at = c.byId.get(ids[i])
          // A reviewed line's text comes from the library: overlayContext leaves it to the SQL refresh.
          if (at !== undefined) overlayContext(c.entries[at], c.context)
          if (i % SLICE === SLICE - 1) await breathe()
        }
        changedEntries(c, ids)
        continue
      }
      return c
    }
  }

  function update(batchId: number): Promise<Cached> {
    let running = updating.get(batchId)
    if (!running) {
      running = bringUpToDate(batchId).finally(() => updating.delete(batchId))
      updating.set(batchId, running)
    }
    return running
  }

  /**
   * The batch's index with every change taken in and no update half done: what follows reads it in one
   * go, without a turn of the event loop (an update that had changed some entries but not yet told the
   * kept orders would have them merged in at their old places).
   */
  async function current(batchId: number): Promise<Cached> {
    for (;;) {
      const c = await update(batchId)
      if (!updating.has(batchId)) return c
    }
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
  function merged(c: Cached, ids: Int32Array, changed: Set<number>, keep: (e: ListEntry) => boolean, order: LineOrder): Int32Array {
    const cmp = before(order)
    const entry = (id: number) => c.entries[c.byId.get(id)!]
    const moved = [...changed].map((id) => c.byId.get(id)).filter((at) => at !== undefined).map((at) => c.entries[at!]).filter(keep).sort(cmp)
    const out = new Int32Array(ids.length + moved.length)
    let n = 0
    let m = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (changed.has(id)) continue
      if (m < moved.length) {
        const e = entry(id)
        while (m < moved.length && cmp(moved[m], e) < 0) out[n++] = moved[m++].id
      }
      out[n++] = id
    }
    while (m < moved.length) out[n++] = moved[m++].id
    return out.slice(0, n)
  }

  /**
   * A listing sorted afresh. The ranks are copied first: entries may change while the sort runs in slices,
   * and such changes reach the kept order as changed ids, merged in at its next use.
   */
  async function sorted(chosen: ListEntry[], order: LineOrder): Promise<Int32Array> {
    if (order !== 'hardest') return Int32Array.from(chosen, (e) => e.id)
    // `chosen` is in document order, so a position breaks a tie of ranks as the document index does.
    const rank = Float64Array.from(chosen, (e) => e.rank)
    const id = Int32Array.from(chosen, (e) => e.id)
    const positions = Array.from({ length: chosen.length }, (_, i) => i)
    const byRank = await sortInSlices(positions, (a, b) => rank[a] - rank[b] || a - b, 4 * SLICE)
    return Int32Array.from(byRank, (p) => id[p])
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
    entries: async (batchId) => (await current(batchId)).entries,

    async ids({ batchId, order, filter, search }) {
      const needle = search.trim().toLowerCase()
      const key = `${order}\u0000${filter}\u0000${needle}`
      const keep = (e: ListEntry) => matches(e, filter) && (!needle || e.key.includes(needle))
      for (;;) {
        const c = await current(batchId)
        let kept = c.orders.get(key)
        if (!kept) {
          if (c.orders.size >= KEPT_ORDERS) c.orders.delete(c.orders.keys().next().value!)
          const made: KeptOrder = { ids: null, sorted: sorted(c.entries.filter(keep), order), changed: new Set() }
          c.orders.set(key, made)
          made.sorted!.then(
            (ids) => ((made.ids = ids), (made.sorted = null)),
            () => c.orders.get(key) === made && c.orders.delete(key),
          )
          kept = made
        }
        if (!kept.ids) {
          // Sorting in slices: once it is done, whatever changed meanwhile is taken in (or, if so much
          // changed that the order was dropped, it is sorted again).
          await kept.sorted
          continue
        }
        if (kept.changed.size) {
          kept.ids = merged(c, kept.ids, kept.changed, keep, order)
          kept.changed.clear()
        }
        return kept.ids
      }
    },

    async totals(batchId) {
      const c = await current(batchId)
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
      for (const c of [cache.get(batchId), building.get(batchId)]) {
        if (!c) continue
        for (const id of ids) {
          c.stale.add(id)
          const at = c.byId.get(id)
          // A reviewed line's text comes from the library: it is left to the SQL refresh.
          if (at !== undefined && c.entries[at].source !== 'human' && c.entries[at].state === 'read') c.fresh.add(id)
        }
      }
    },

    close: () => stop(),
  }
}
