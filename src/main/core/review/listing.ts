// What the review list needs of every line of a batch, held in memory per batch so that hardest-first
// order, filters and search over 100,000 lines never ship rows to the renderer: the renderer asks for
// one page of ids at a time. Entries are refreshed by id on `lines:changed` (a correction touches a
// few); a kept order takes its changed entries out and merges them back in where they now rank, rather
// than sorting the batch again (a 50,000-line sort held the main thread ~80 ms after every correction).
// A newly loaded context re-reads the whole batch. Building, refreshing and sorting run in slices (see
// bringUpToDate), so the index's API is asynchronous. Entries, and how listings are made of them, are
// list-entries.ts.
import type { LineFilter, LineOrder } from '../../../shared/api'
import type { EventBus } from '../event-bus'
import type { ContextView } from '../incontext/context-client'
import { timeSlices } from '../slices'
import type { Db } from '../store/db'
import { createLineQueries } from '../store/lines'
import { matches, merged, modelFeatures, overlayContext, rankEntry, sorted, toEntry, totalsOf, type BatchTotals, type ListEntry } from './list-entries'
import { SelfCheck, selfCheckSettings, type SelfCheckExample } from './self-check'

export type { BatchTotals, ListEntry } from './list-entries'

export interface ListQuery {
  batchId: number
  order: LineOrder
  filter: LineFilter
  search: string
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

/** Orders kept per batch: the listings a screen switches between (order × filter × a search or two). */
const KEPT_ORDERS = 8
/** Past this many changed lines at once a full re-read is cheaper than one lookup per id. */
const FULL_REFRESH = 5_000
/**
 * A kept order with more than this share of its batch changed is sorted again (in slices) rather than
 * merged (at once: at a quarter of 50,000 lines, the merge was ~30 ms of the main thread on its own).
 */
const RESORT_SHARE = 0.05
/** Lines read from the library per query, and the most taken in between two turns of the event loop. */
const SLICE_ROWS = 1_000
/**
 * The longest a loop here holds the main thread before a turn of the event loop. By time, not only by
 * lines: a slice of 1,000 lines took 30–170 ms on 2 cores busy with the in-context worker, and a garbage
 * collection landing in one made it a block of the UI.
 */
const SLICE_MS = 8

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
  /**
   * Lines whose context reading changed, as the lists contextChanged was given (a change of trust names
   * 30,000 lines: kept as they came, not added one by one to a set on the main thread).
   */
  stale: ArrayLike<number>[]
  /**
   * contextChanged's mark, per entry (by position): an entry whose mark equals `stamp` was brought up to
   * date by contextChanged, and the lines:changed event that follows does not send it to SQL. `stamp`
   * moves on after every event.
   */
  fresh: number[]
  stamp: number
  full: boolean
  orders: Map<string, KeptOrder>
  totals: BatchTotals | null
  /** The batch's self-evaluation, fitted again on its reviewed lines as they grow (see `calibrated`). */
  check: SelfCheck
  /** What the reviewed lines were (see `labelsOf`) when the self-check was last asked whether a fit is due. */
  labels: string
  /** Lines came from the library since: the reviewed ones may have changed. */
  relabel: boolean
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
  /** The self-check's settings (tests fit it at every change, to compare with an index built afresh). */
  selfCheck?: Partial<typeof selfCheckSettings>
}): LineIndex {
  const { db, events, contextOf } = deps
  const selfCheck = { ...selfCheckSettings, ...deps.selfCheck }
  const SLICE = deps.sliceRows ?? SLICE_ROWS
  const lines = createLineQueries(db)
  const cache = new Map<number, Cached>()
  /** A batch's index being built, which changes meanwhile must reach too. */
  const building = new Map<number, Cached>()
  const updating = new Map<number, Promise<Cached>>()

  const stop = events.on('lines:changed', ({ batchId, ids }) => {
    for (const c of [cache.get(batchId), building.get(batchId)]) {
      if (!c) continue
      for (const id of ids) if (c.fresh[c.byId.get(id) ?? -1] !== c.stamp) c.dirty.add(id)
      c.stamp++
      if (c.dirty.size > FULL_REFRESH) c.full = true
    }
  })

  const newCache = (context: ContextView | undefined): Cached => ({
    entries: [],
    byId: new Map(),
    context,
    dirty: new Set(),
    stale: [],
    fresh: [],
    stamp: 1,
    full: false,
    orders: new Map(),
    totals: null,
    check: new SelfCheck(selfCheck),
    labels: '',
    relabel: true,
  })

  /** The batch's entries read from the library, a slice at a time. */
  async function build(batchId: number): Promise<Cached> {
    const c = newCache(contextOf(batchId))
    building.set(batchId, c)
    const slices = timeSlices(SLICE_MS)
    try {
      for (let after = -1; ; ) {
        const rows = lines.entries({ batchId, after, limit: SLICE })
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]
          c.byId.set(r.id, c.entries.length)
          c.entries.push(toEntry(r, c.context, c.check))
          c.fresh.push(0)
          if (slices.due() && i < rows.length - 1) await slices.breathe()
        }
        if (rows.length < SLICE) {
          // The rare-word signal needs the whole batch's words: every line is ranked again once they are in.
          c.check.countWords(c.entries.map((e) => e.modelText))
          await rankAll(c)
          return c
        }
        after = rows[rows.length - 1].index
        await slices.breathe()
      }
    } finally {
      building.delete(batchId)
    }
  }

  /** Takes in what changed since the last read, until nothing is left. */
  async function bringUpToDate(batchId: number): Promise<Cached> {
    const slices = timeSlices(SLICE_MS)
    /** Whether the `i`th line of a loop here is due a turn of the event loop: its time is up, or every SLICE lines. */
    const due = (i: number) => slices.due() || i % SLICE === SLICE - 1
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
          overlayContext(c.entries[i], c.context, c.check)
          if (due(i)) await slices.breathe()
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
            else c.entries[at] = toEntry(r, c.context, c.check)
            if (slices.due()) await slices.breathe()
          }
          if (i + SLICE < ids.length) await slices.breathe()
        }
        changedEntries(c, [ids])
        c.relabel = true
        continue
      }
      if (c.stale.length) {
        const lists = c.stale
        c.stale = []
        let i = 0
        for (const ids of lists) {
          for (let k = 0; k < ids.length; k++, i++) {
            const e = entryOf(c, ids[k])
            // A reviewed line's text comes from the library: overlayContext leaves it to the SQL refresh.
            if (e) overlayContext(e, c.context, c.check)
            if (due(i)) await slices.breathe()
          }
        }
        changedEntries(c, lists)
        continue
      }
      if (await calibrated(c)) continue
      return c
    }
  }

  /** What the self-check would be fitted on, in a few characters: how many lines, and which with what label. */
  function labelsOf(reviewed: ListEntry[]): string {
    let hash = 0
    for (const e of reviewed) hash = (Math.imul(hash, 31) + e.id * 2 + (e.text !== e.modelText ? 1 : 0)) | 0
    return `${reviewed.length}:${hash}`
  }

  /** Every entry ranked again (the self-check's weights or words changed), a slice at a time. */
  async function rankAll(c: Cached) {
    const slices = timeSlices(SLICE_MS)
    for (let i = 0; i < c.entries.length; i++) {
      rankEntry(c.entries[i], c.check)
      if (slices.due() || i % SLICE === SLICE - 1) await slices.breathe()
    }
    c.orders.clear()
    c.totals = null
  }

  /**
   * The batch's self-check fitted again on its reviewed lines when their number grew (or shrank) enough:
   * typed lines are wrong readings, accepted ones right. True when every line was ranked again.
   */
  async function calibrated(c: Cached): Promise<boolean> {
    if (!c.relabel) return false
    c.relabel = false
    const reviewed = c.entries.filter((e) => e.source === 'human' && !e.notText && e.modelSignals)
    const labels = labelsOf(reviewed)
    if (labels === c.labels) return false
    c.labels = labels
    if (!c.check.due(reviewed.length)) return false
    const examples: SelfCheckExample[] = reviewed.map((e) => ({ x: modelFeatures(e, c.check)!, wrong: e.text !== e.modelText }))
    c.check.refit(examples)
    await rankAll(c)
    return true
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

  function entryOf(c: Cached, id: number): ListEntry | undefined {
    const at = c.byId.get(id)
    return at === undefined ? undefined : c.entries[at]
  }

  /** Kept orders will merge these entries back in where they now belong (or, past RESORT_SHARE, sort again). */
  function changedEntries(c: Cached, lists: Array<ArrayLike<number>>) {
    let count = 0
    for (const ids of lists) count += ids.length
    for (const [key, kept] of c.orders) {
      if (kept.changed.size + count > c.entries.length * RESORT_SHARE) {
        c.orders.delete(key)
        continue
      }
      for (const ids of lists) for (let i = 0; i < ids.length; i++) kept.changed.add(ids[i])
    }
    c.totals = null
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
          const made: KeptOrder = { ids: null, sorted: sorted(c.entries, keep, order, SLICE), changed: new Set() }
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
          kept.ids = merged((id) => entryOf(c, id), kept.ids, kept.changed, keep, order)
          kept.changed.clear()
        }
        return kept.ids
      }
    },

    async totals(batchId) {
      const c = await current(batchId)
      return (c.totals ??= totalsOf(c.entries))
    },

    contextChanged(batchId, ids) {
      for (const c of [cache.get(batchId), building.get(batchId)]) {
        if (!c) continue
        c.stale.push(ids)
        for (let i = 0; i < ids.length; i++) {
          const at = c.byId.get(ids[i])
          if (at === undefined) continue
          // A reviewed line's text comes from the library: it is left to the SQL refresh.
          const e = c.entries[at]
          if (e.source !== 'human' && e.state === 'read') c.fresh[at] = c.stamp
        }
      }
    },

    close: () => stop(),
  }
}
