// A batch's scripts (recognize/scripts.ts): kept in the library, proposed from the batch's first readings
// (and its corrections), chosen by the reviewer, and applied to every reading the batch has — decoded again
// from the frames kept of each line, without the model — and to every reading it gets from then on.
import type { BatchScripts } from '../../../shared/api'
import type { EventBus } from '../event-bus'
import type { Recognizer } from '../recognize/recognizer'
import { normalizeScripts, proposeScripts, SCRIPTS, scriptsIn, storedScripts, type Script } from '../recognize/scripts'
import { timeSlices } from '../slices'
import type { Db } from '../store/db'
import { decodeFrames } from '../store/frame-codec'

/** Readings a proposal looks at: the first of the batch, enough for a receipt or two pages of a form. */
export const PROPOSE_AFTER = 120
const NO_FEATURES = Buffer.alloc(0)
/** Lines decoded again per query. */
const PAGE = 500

export interface ScriptKeeper {
  get(batchId: number): BatchScripts
  /** The scripts to read the batch's next lines in (undefined: all, nothing proposed yet). */
  readIn(batchId: number): Script[] | undefined
  /** Proposes scripts from what the batch has read, unless it has scripts already; applies them. */
  propose(batchId: number): Promise<void>
  /** The reviewer's choice (or, `chosen` false, a proposal), applied to every reading of the batch. */
  set(batchId: number, scripts: Script[], chosen: boolean): Promise<void>
  /** Adds the scripts of a correction's text to a batch whose scripts the reviewer has not chosen. */
  takeCorrection(batchId: number, text: string): Promise<void>
  /** Decodes these lines again in the batch's scripts (lines read while the scripts changed). */
  redecode(batchId: number, lineIds: number[]): Promise<void>
}

export function createScriptKeeper(deps: {
  db: Db
  recognizer: Recognizer
  events: EventBus
  /** Told when a batch's readings changed with its scripts (its context must read them again). */
  changed?: (batchId: number) => Promise<void>
}): ScriptKeeper {
  const { db, recognizer, events } = deps
  const q = {
    get: db.prepare('SELECT scripts, scripts_chosen AS chosen FROM batches WHERE id = ?'),
    set: db.prepare('UPDATE batches SET scripts = @scripts, scripts_chosen = @chosen WHERE id = @batchId'),
    firstReadings: db.prepare(`
      SELECT r.text, r.char_confidences AS charConfidences FROM lines l JOIN readings r ON r.line_id = l.id
      WHERE l.batch_id = ? AND r.error IS NULL ORDER BY l.idx LIMIT ${PROPOSE_AFTER * 4}`),
    corrected: db.prepare(`
      SELECT c.text FROM corrections c JOIN lines l ON l.id = c.line_id WHERE l.batch_id = ? AND c.text IS NOT NULL`).pluck(),
    frames: db.prepare(`
      SELECT l.id, l.idx, f.frames, f.k, f.dim, f.top_index AS topIndex, f.top_prob AS topProb, f.blank
      FROM lines l JOIN reading_frames f ON f.line_id = l.id
      WHERE l.batch_id = @batchId AND l.idx > @after ORDER BY l.idx LIMIT @limit`),
    framesOf: db.prepare(`
      SELECT l.id, l.idx, f.frames, f.k, f.dim, f.top_index AS topIndex, f.top_prob AS topProb, f.blank
      FROM lines l JOIN reading_frames f ON f.line_id = l.id WHERE l.id IN (SELECT value FROM json_each(@ids))`),
    update: db.prepare(`
      UPDATE readings SET text = @text, confidence = @confidence, char_confidences = @charConfidences,
        greedy_text = @greedyText, greedy_confidence = @greedyConfidence WHERE line_id = @lineId`),
  }

  type FrameRow = { id: number; idx: number; frames: number; k: number; dim: number; topIndex: Buffer; topProb: Buffer; blank: Buffer }

  const write = db.transaction((rows: FrameRow[], scripts: Script[]) => {
    for (const r of rows) {
      const reading = recognizer.decode(decodeFrames({ ...r, features: NO_FEATURES }), scripts)
      q.update.run({
        lineId: r.id,
        text: reading.text,
        confidence: reading.confidence,
        charConfidences: Buffer.from(new Float32Array(reading.charConfidences).buffer),
        greedyText: reading.greedy.text,
        greedyConfidence: reading.greedy.confidence,
      })
    }
  })

  function get(batchId: number): BatchScripts {
    const row = q.get.get(batchId) as { scripts: string | null; chosen: number } | undefined
    const scripts = storedScripts(row?.scripts)
    return { scripts, chosen: row?.chosen === 1, available: [...SCRIPTS] }
  }

  /** Every reading of the batch decoded again in `scripts`, a slice of the main thread at a time. */
  async function applyAll(batchId: number, scripts: Script[]) {
    const slices = timeSlices()
    for (let after = -1; ; ) {
      const rows = q.frames.all({ batchId, after, limit: PAGE }) as FrameRow[]
      if (!rows.length) break
      after = rows[rows.length - 1].idx
      // A page is decoded in small runs, so the thread is never held long.
      for (let i = 0; i < rows.length; i += 50) {
        write(rows.slice(i, i + 50), scripts)
        if (slices.due()) await slices.breathe()
      }
      events.emit('lines:changed', { batchId, ids: rows.map((r) => r.id) })
    }
    await deps.changed?.(batchId)
  }

  async function set(batchId: number, scripts: Script[], chosen: boolean) {
    const normal = normalizeScripts(scripts)
    q.set.run({ batchId, scripts: JSON.stringify(normal), chosen: chosen ? 1 : 0 })
    events.emit('batches:changed', { ids: [batchId] })
    await applyAll(batchId, normal)
  }

  return {
    get,
    readIn: (batchId) => get(batchId).scripts ?? undefined,
    async propose(batchId) {
      if (get(batchId).scripts) return
      const readings = (q.firstReadings.all(batchId) as Array<{ text: string; charConfidences: Buffer | null }>).map((r) => ({
        text: r.text,
        charConfidences: r.charConfidences ? new Float32Array(new Uint8Array(r.charConfidences).buffer) : [],
      }))
      const corrections = (q.corrected.all(batchId) as string[]).map((text) => ({ text, charConfidences: [] }))
      await set(batchId, proposeScripts([...readings, ...corrections]), false)
    },
    set,
    async takeCorrection(batchId, text) {
      const now = get(batchId)
      if (!now.scripts || now.chosen) return
      const more = [...scriptsIn(text)].filter((s) => !now.scripts!.includes(s))
      if (more.length) await set(batchId, [...now.scripts, ...more], false)
    },
    async redecode(batchId, lineIds) {
      const scripts = get(batchId).scripts
      if (!scripts || !lineIds.length) return
      write(q.framesOf.all({ ids: JSON.stringify(lineIds) }) as FrameRow[], scripts)
      events.emit('lines:changed', { batchId, ids: lineIds })
    },
  }
}
