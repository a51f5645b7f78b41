import type { ApiParsedInput, ContextDecision, LinePage, LineRow, ReviewSaved, ReviewUpdate } from '../../../shared/api'
import type { BackgroundWrites } from '../background-writes'
import { LectorError } from '../errors'
import type { EventBus } from '../event-bus'
import { createContextClient, type ContextClient } from '../incontext/context-client'
import type { ContextSettings } from '../incontext/settings'
import type { BatchService } from '../intake/service'
import type { PoolService } from '../pools/pools'
import type { Recognizer } from '../recognize/recognizer'
import { breathe } from '../slices'
import { libraryWriteProblem, type Db } from '../store/db'
import { lineRow } from '../store/line-view'
import { createLineQueries, type RowRecord } from '../store/lines'
import { createLineIndex, type LineIndex } from './listing'

/**
 * A correction in the library: what its reply says at once. `applied` resolves once the batch's context
 * has taken it in (at once when it is loaded; after a restart, once it is).
 */
export interface SavedCorrection extends ReviewSaved {
  applied: Promise<ReviewUpdate>
}

export interface ReviewService {
  correct(lineId: number, text: string, kind?: 'typed' | 'accepted'): SavedCorrection
  accept(lineId: number): SavedCorrection
  undo(batchId: number): SavedCorrection | null
  /** Marks a line not text, or says it is text after all (it gets back the text it had before the mark). */
  notText(lineId: number, notText: boolean): SavedCorrection
  /** Lines of a batch just read (a recognition step): a loaded context reads them in context at once. */
  linesRead(batchId: number, ids: number[]): void
  decision(batchId: number): Promise<ContextDecision>
  /** Resolves once the calibration after the batch's latest correction has been applied and announced. */
  settled(batchId: number): Promise<void>
  /**
   * A page of lines with what the reviewer sees: their text, else the in-context reading. Hardest-first
   * order, filters and search come from the in-memory line index; plain document order straight from SQL.
   */
  lines(input: ApiParsedInput<'batch:lines'>): Promise<LinePage>
  /** Lines by id as the reviewer sees them, in the order given. */
  rows(ids: number[]): Promise<LineRow[]>
  /** Where a line stands in a listing. */
  position(input: ApiParsedInput<'batch:position'>): Promise<{ index: number | null }>
  /** The batch's lines as the reviewer sees them, in memory (listing, counts, export). */
  index: LineIndex
  /** The decision of a batch whose context is loaded, without loading it. */
  loadedDecision(batchId: number): ContextDecision | null
  /** Whether the batch's context is being loaded; starts loading it when the batch has corrections. */
  contextLoading(batchId: number): boolean
  close(): Promise<void>
  /** The context of a batch, loaded (and fully computed) on first use. */
  context(batchId: number): Promise<ContextClient>
  /**
   * Loads a batch's context again: its readings changed (its scripts), or its named pool did. The decision
   * the batch reached stands unless `fresh` (a new pool brings its own): the evidence of its corrections
   * (what context read just before each) is not kept with them, and could not be found again.
   */
  reset(batchId: number, options?: { fresh?: boolean }): Promise<void>
  /** The batch a line belongs to; throws not-found when there is no such line. */
  batchOf(lineId: number): number
}

/** What a correction row does: its kind in the library. */
type Kind = 'typed' | 'accepted' | 'undo' | 'not-text' | 'is-text'
/** The state a correction row leaves its line in. */
type Mark = { text: string | null; notText: number }

/**
 * The review loop: a correction is committed first and acknowledged as saved — whatever the batch is
 * doing (being read, its context loading after a restart), so it is never lost once acknowledged and
 * never waits. Then, in the batch's queue, its context takes it in and re-reads the lines it reaches;
 * `lines:changed` names them and `applied` resolves. The batch's calibration then runs in the worker
 * while the reviewer moves on, and a second `lines:changed` names what a change of trust or bias re-read.
 * Updates of one batch run one at a time, in the order the corrections were saved. Lines read while the
 * context is open join it in the same queue and come out read in context.
 */
export function createReviewService(deps: {
  db: Db
  recognizer: Recognizer
  batches: BatchService
  events: EventBus
  /** Named pools a batch may start from. */
  pools?: Pick<PoolService, 'forBatch'>
  settings?: Partial<ContextSettings>
  /** The library file, which the context worker reads the batch's cached readings from. */
  library: { path: string; nativeBinding?: string }
  /** Told when a correction's calibration is done: what it decided and how many lines it re-read. */
  onSettled?: (lineId: number, decision: ContextDecision, changed: number) => void
  /** Where a background save that failed (a full disk) is told and tried again; logged only without it. */
  writes?: BackgroundWrites
}): ReviewService {
  const { db, recognizer, batches, events } = deps
  const contexts = new Map<number, Promise<ContextClient>>()
  // Contexts whose load has finished: listing lines never waits for one (recognition may still run).
  const ready = new Map<number, ContextClient>()
  const queues = new Map<number, Promise<unknown>>()
  const settling = new Map<number, Promise<void>>()
  const index = createLineIndex({ db, events, contextOf: (batchId) => ready.get(batchId) })
  const lines = createLineQueries(db)

  const q = {
    latest: db.prepare(`
      SELECT c.id, c.line_id AS lineId, c.text FROM corrections c
      WHERE c.id IN (SELECT max(c2.id) FROM corrections c2 JOIN lines l ON l.id = c2.line_id WHERE l.batch_id = ? AND c2.id <= ? GROUP BY c2.line_id)
      ORDER BY c.id`),
    insert: db.prepare('INSERT INTO corrections (line_id, text, kind, undoes, not_text) VALUES (@lineId, @text, @kind, @undoes, @notText)'),
    lastCorrection: db.prepare('SELECT max(c.id) FROM corrections c JOIN lines l ON l.id = c.line_id WHERE l.batch_id = ?').pluck(),
    hasCorrections: db.prepare('SELECT 1 FROM corrections c JOIN lines l ON l.id = c.line_id WHERE l.batch_id = ? LIMIT 1').pluck(),
    lastUndoable: db.prepare(`
      SELECT c.id, c.line_id AS lineId FROM corrections c JOIN lines l ON l.id = c.line_id
      WHERE l.batch_id = ? AND c.kind != 'undo' AND c.id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)
      ORDER BY c.id DESC LIMIT 1`),
    before: db.prepare('SELECT text, not_text AS notText FROM corrections WHERE line_id = ? AND id < ? ORDER BY id DESC LIMIT 1'),
    lastOfLine: db.prepare('SELECT id, text, not_text AS notText FROM corrections WHERE line_id = ? ORDER BY id DESC LIMIT 1'),
    savedDecision: db.prepare('SELECT decision, after_correction AS afterCorrection FROM batch_decisions WHERE batch_id = ?'),
    dropDecision: db.prepare('DELETE FROM batch_decisions WHERE batch_id = ?'),
    saveDecision: db.prepare(`
      INSERT INTO batch_decisions (batch_id, decision, after_correction) VALUES (@batchId, @decision, @afterCorrection)
      ON CONFLICT (batch_id) DO UPDATE SET decision = excluded.decision, after_correction = excluded.after_correction`),
  }

  /**
   * Keeps the batch's decision as it stands after the correction `afterCorrection` (and its calibration).
   * Nobody waits on it: a failure (a full disk) is told and tried again, never thrown. Nothing is lost
   * meanwhile: the corrections are saved, and a batch opened with an older decision calibrates again.
   */
  function saveDecision(batchId: number, decision: ContextDecision, afterCorrection: number | null) {
    if (afterCorrection === null) return
    const key = `decision:${batchId}`
    try {
      q.saveDecision.run({ batchId, decision: JSON.stringify(decision), afterCorrection })
      deps.writes?.succeeded(key)
    } catch (err) {
      const problem = libraryWriteProblem(err, db.name)
      if (!problem || !deps.writes) return console.error(`saving the decision of batch ${batchId} failed:`, err)
      deps.writes.failed(
        key,
        `The engine's decision about context for batch ${batchId} could not be saved: ${problem.cause}. Your corrections are saved; ` +
          `the decision is saved by itself once you ${problem.remedy}.`,
        () => saveDecision(batchId, decision, afterCorrection),
        batchId,
      )
    }
  }

  function batchOf(lineId: number): number {
    const batchId = lines.batchOf(lineId)
    if (batchId === undefined) throw new LectorError('not-found', `There is no line ${lineId}.`)
    return batchId
  }

  /** The last correction each context's load took in with the batch's saved ones (see `apply`). */
  const loadedThrough = new WeakMap<ContextClient, number>()

  // The batch may still be being read: the context starts from the lines read so far, and those read
  // later join it as they are stored (`linesRead`), so the reviewer's corrections count from the first.
  async function load(batchId: number): Promise<ContextClient> {
    // The corrections saved before the load starts are its own; each one saved from now on is applied
    // by its own update, in order, after the load — as it would have been with the context loaded (its
    // evidence, what context read just before it, counts in the calibration).
    const through = (q.lastCorrection.get(batchId) as number | null) ?? 0
    if (!deps.library.path || deps.library.path === ':memory:') {
      throw new LectorError('unavailable', 'In-context review needs a library file; this engine runs on an in-memory library.')
    }
    const ctx = await createContextClient({ ...recognizer.alphabetSource, dim: 120, settings: deps.settings, library: deps.library })
    await ctx.loadBatch(batchId)
    const pool = deps.pools?.forBatch(batchId)
    if (pool) await ctx.loadSavedPool(pool)
    const corrections = q.latest.all(batchId, through) as Array<{ id: number; lineId: number; text: string | null }>
    await ctx.loadCorrections(corrections.flatMap(({ lineId, text }) => (text === null ? [] : [{ lineId, text }])))
    // The decision kept after the latest correction is the batch's as it was left: read with it, the lines
    // show what they showed. One older than the latest correction (a crash came before its calibration
    // was kept) is where that calibration starts from, as it would have in the session.
    // Each line's latest correction, in the order they were made: the last is the batch's latest.
    const last = corrections.at(-1)?.id ?? null
    const saved = q.savedDecision.get(batchId) as { decision: string; afterCorrection: number } | undefined
    if (saved) await ctx.restoreDecision(JSON.parse(saved.decision) as ContextDecision)
    await ctx.recomputeAll({ recalibrate: !saved || saved.afterCorrection !== last, useSaved: true })
    loadedThrough.set(ctx, through)
    saveDecision(batchId, ctx.decided, last)
    ready.set(batchId, ctx)
    return ctx
  }

  // In the batch's queue of updates: a correction that arrives meanwhile waits for it, and then reads with
  // the new context (its scripts changed its readings underneath: closing the old one under a correction
  // stopped its worker mid-update).
  function reset(batchId: number, options: { fresh?: boolean } = {}): Promise<void> {
    return serialize(batchId, async () => {
      await settling.get(batchId)
      settling.delete(batchId)
      if (options.fresh) q.dropDecision.run(batchId)
      const old = contexts.get(batchId)
      contexts.delete(batchId)
      ready.delete(batchId)
      await old?.then((ctx) => ctx.close()).catch(() => undefined)
      // A batch with corrections goes on in context (its lines still being read join the new one).
      if (old && q.hasCorrections.get(batchId)) void context(batchId).catch(() => undefined)
    })
  }

  function context(batchId: number): Promise<ContextClient> {
    let ctx = contexts.get(batchId)
    if (!ctx) {
      ctx = load(batchId)
      contexts.set(batchId, ctx)
      ctx.catch(() => contexts.delete(batchId))
    }
    return ctx
  }

  /** Resolves once the batch's updates so far and the calibration after the latest have been applied. */
  async function settled(batchId: number): Promise<void> {
    await (queues.get(batchId) ?? Promise.resolve()).catch(() => undefined)
    await settling.get(batchId)
    // A context loading (a reset reloads it) has its lines to read yet.
    await contexts.get(batchId)?.catch(() => undefined)
  }

  /** Runs one update of a batch after the previous one has finished. */
  function serialize<T>(batchId: number, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(batchId) ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(work)
    queues.set(batchId, next)
    return next
  }

  /**
   * Appends a correction (saved before this returns) and queues its application. `text` null: back to
   * the reading; `notText`: the state the row leaves the line in (a line marked not text leaves the pool,
   * as a correction taken back does).
   */
  function apply(lineId: number, text: string | null, kind: Kind, undoes: number | null, notText = false): SavedCorrection {
    const batchId = batchOf(lineId)
    const started = performance.now()
    // The batch's context starts loading now if it has not (nothing here waits for it): the load takes
    // the corrections saved before this one, and this one is applied after it, as an update of its own.
    void context(batchId).catch(() => undefined)
    // Committed before anything else, and before anything waits: an acknowledged correction survives a crash.
    const correctionId = Number(q.insert.run({ lineId, text, kind, undoes, notText: notText ? 1 : 0 }).lastInsertRowid)
    const savedMs = performance.now() - started
    const applied = serialize(batchId, async () => {
      // Taken in the queue: a reset queued before this update replaces the context.
      const ctx = await context(batchId)
      const begun = performance.now()
      // Saved before this context's load began (a reset queued before it): the load took it in.
      if (correctionId <= (loadedThrough.get(ctx) ?? 0)) {
        events.emit('lines:changed', { batchId, ids: [lineId] })
        return { lineId, changed: [], updateMs: 0, decision: ctx.decided }
      }
      const { update: result, settled } = await ctx.correct(lineId, notText ? null : text)
      const update = { lineId, changed: result.changed, updateMs: performance.now() - begun, decision: ctx.decided, effort: result.effort }
      index.contextChanged(batchId, result.changed.filter((id) => id !== lineId))
      events.emit('lines:changed', { batchId, ids: [lineId, ...result.changed] })
      const decided = ctx.decided
      settling.set(
        batchId,
        settled.then(
          // A turn of the event loop first: the calibration's readings, just taken in, and what follows
          // here (a change of trust re-reads 30,000 lines of a 50,000-line batch) are two tasks of the main
          // thread, not one that blocks it twice as long.
          async (after) => {
            await breathe()
            saveDecision(batchId, ctx.decided, correctionId)
            deps.onSettled?.(lineId, ctx.decided, after.changed.length)
            index.contextChanged(batchId, after.changed)
            const moved = ctx.decided.trust !== decided.trust || ctx.decided.lexiconBias !== decided.lexiconBias
            if (after.changed.length || moved) events.emit('lines:changed', { batchId, ids: after.changed })
          },
          // The correction itself is saved and applied; a failed calibration only keeps the last decision.
          (err) => console.error(`calibration of batch ${batchId} failed:`, err),
        )
          // Nobody awaits this unless `settled` is asked for: nothing in it may become an unhandled rejection.
          .catch((err) => console.error(`after the calibration of batch ${batchId}:`, err)),
      )
      return update
    })
    // Whoever is told of it handles a failure (the correction stays saved); none may go unhandled.
    applied.catch(() => undefined)
    return { lineId, batchId, correctionId, savedMs, applied }
  }

  /** Lines just read join a batch's context when it is open (loaded or loading); otherwise its load reads them. */
  function linesRead(batchId: number, ids: number[]) {
    if (!ids.length || !contexts.has(batchId)) return
    void serialize(batchId, async () => {
      const ctx = await context(batchId)
      const result = await ctx.readLines(ids)
      if (!result.changed.length) return
      index.contextChanged(batchId, result.changed)
      events.emit('lines:changed', { batchId, ids: result.changed })
    }).catch((err) => console.error(`reading new lines of batch ${batchId} in context failed:`, err))
  }

  return {
    context,
    reset,
    linesRead,
    correct: (lineId, text, kind = 'typed') => apply(lineId, text, kind, null),
    accept(lineId) {
      const line = lines.one(lineId)
      if (!line) throw new LectorError('not-found', `There is no line ${lineId}.`)
      // The line as it is shown now: what the reviewer accepts (the model's reading while the batch's
      // context loads after a restart).
      const [row] = shown(line.batchId, [line])
      if (row.state !== 'read') throw new LectorError('bad-input', 'Only a line that was read can be accepted.')
      return apply(lineId, row.text, 'accepted', null)
    },
    undo(batchId) {
      batches.exists(batchId)
      const last = q.lastUndoable.get(batchId) as { id: number; lineId: number } | undefined
      if (!last) return null
      const previous = q.before.get(last.lineId, last.id) as Mark | undefined
      return apply(last.lineId, previous?.text ?? null, 'undo', last.id, previous?.notText === 1)
    },
    notText(lineId, notText) {
      const last = q.lastOfLine.get(lineId) as (Mark & { id: number }) | undefined
      if (notText) return apply(lineId, null, 'not-text', null, true)
      // Text after all: with the text it had before it was marked (none: the reading), out of the junk group.
      const before = last?.notText ? (q.before.get(lineId, last.id) as Mark | undefined) : last
      return apply(lineId, before?.text ?? null, 'is-text', null, false)
    },
    async decision(batchId) {
      batches.exists(batchId)
      const ctx = await context(batchId)
      // The decision after the latest correction's calibration, not the one it replied with.
      await settled(batchId)
      return ctx.decided
    },
    settled,
    async lines(input) {
      const { batchId, offset, limit } = input
      if (input.order === 'document' && input.filter === 'all' && !input.search.trim()) {
        const total = lines.count(batchId)
        if (!total) batches.exists(batchId)
        return { total, rows: shown(batchId, lines.page({ batchId, offset, limit })) }
      }
      batches.exists(batchId)
      const ids = await index.ids(input)
      return { total: ids.length, rows: shown(batchId, byIds(ids.subarray(offset, offset + limit))) }
    },
    async rows(ids) {
      // Lines of any batches: each shown with its own batch's context.
      const rows = byIds(ids).map((r) => lineRow(r, ready.get(r.batchId)))
      for (const batchId of new Set(rows.map((r) => r.batchId))) warm(batchId, rows.filter((r) => r.batchId === batchId))
      return rows
    },
    batchOf,
    async position(input) {
      batches.exists(input.batchId)
      const at = (await index.ids(input)).indexOf(input.lineId)
      return { index: at < 0 ? null : at }
    },
    index,
    loadedDecision: (batchId) => ready.get(batchId)?.decided ?? null,
    contextLoading(batchId) {
      warm(batchId, [])
      return contexts.has(batchId) && !ready.has(batchId)
    },
    async close() {
      index.close()
      // Corrections saved and still being applied are applied first (they are saved either way).
      await Promise.allSettled([...queues.values(), ...settling.values()])
      const loaded = await Promise.allSettled(contexts.values())
      await Promise.all(loaded.flatMap((c) => (c.status === 'fulfilled' ? [c.value.close()] : [])))
    },
  }

  /** Starts loading the context of a batch with corrections whose context is not loaded (after a restart);
   *  `lines:changed` says when it is ready, naming `rows` (those shown meanwhile). */
  function warm(batchId: number, rows: LineRow[]) {
    if (ready.has(batchId) || contexts.has(batchId) || !q.hasCorrections.get(batchId)) return
    context(batchId)
      .then(() => events.emit('lines:changed', { batchId, ids: rows.map((r) => r.id) }))
      .catch((err) => console.error(err))
  }

  /**
   * Lines as the reviewer sees them (see store/line-view.ts): their own text, else the in-context reading,
   * else the model's. A batch with corrections whose context is not loaded yet (after a restart) starts
   * loading it and says so with `lines:changed` when ready; until then its rows show the model's readings.
   */
  function shown(batchId: number, records: RowRecord[]): LineRow[] {
    const ctx = ready.get(batchId)
    const rows = records.map((r) => lineRow(r, ctx))
    warm(batchId, rows)
    return rows
  }

  /** Lines by id, in the order given (ids that do not exist are left out). */
  function byIds(ids: ArrayLike<number>): RowRecord[] {
    const list = Array.from(ids)
    const found = new Map(lines.byIds(list).map((r) => [r.id, r]))
    return list.flatMap((id) => found.get(id) ?? [])
  }
}
