// The one contract between the engine and its three hosts (Electron IPC, the browser bridge, the CLI).
// Requests are a typed map: name → zod input schema → output type. Inputs are parsed at every boundary,
// so the schemas live here, beside the names; outputs are plain data types.
import { z } from 'zod'

/** An execution provider the engine tried and could not use, with the reason it gave. */
export interface SkippedProvider {
  name: string
  reason: string
}

export interface EngineStatus {
  version: string
  model: { id: string; name: string; alphabetSize: number }
  provider: { name: string; skipped: SkippedProvider[] }
  /** Where text detection (pages, PDFs) runs, once a document has been opened; null before. */
  detection: { provider: string } | null
  libraryPath: string
  /** Where exports go unless the reviewer picks another folder: `exports` beside the library (made on the
   *  first export there), never the scanned folder. */
  exportFolder?: string
  /** Which host runs the engine: the Electron main process, the browser bridge or the CLI. */
  host: 'electron' | 'bridge' | 'cli'
}

export interface BatchSummary {
  id: number
  name: string
  source: string
  createdAt: string
  lineCount: number
  /** Lines read so far (including failures), and lines that could not be read. */
  doneCount: number
  errorCount: number
  /** Lines marked not text (counted in lineCount: the batch list shows lineCount less these). */
  notTextCount?: number
  /** Files in the source folder that are not images and were left out, by name (those of `skipped`). */
  skippedFiles: string[]
  /** The files left out, each with the reason (not an image, a named pipe, a symbolic link, too large…). */
  skipped: SkippedFile[]
  /** Pages of documents (scans, PDFs) in the batch, and how many have had their lines found. */
  pages: { total: number; done: number }
  /** The recognition job still running for this batch, if any (cancel it with job:cancel). */
  jobId: string | null
  /**
   * Why reading stopped before the batch's end (the library's disk is full, or write-protected), in words,
   * while the engine waits to carry on by itself; null otherwise.
   */
  readingStopped: string | null
  /** In the reply to opening a folder or file that is a batch already: that batch was opened again. */
  reopened?: boolean
  /** With `reopened`: the folder's images and documents that are not in the batch yet, by name
   *  (`batch:readNew` adds them). */
  newFiles?: string[]
}

/** A file left out of a batch, and why, in words. */
export interface SkippedFile {
  name: string
  reason: string
}

/**
 * Why a sub-folder is left out of an opened folder: a batch is one folder's files, so that opening a folder
 * of batches (one folder per receipt, per book) never reads them all as one. Said, so a reviewer who
 * expected them knows; the screen counts these as folders, not files.
 */
export const SUB_FOLDER = 'a folder, read only when opened on its own'

/** A script of the alphabet (see src/main/core/recognize/scripts.ts). */
export type ScriptName = 'latin' | 'cjk' | 'greek' | 'cyrillic'

/** The scripts a batch is read in: its lines are decoded with those characters only. */
export interface BatchScripts {
  /** Null until proposed from the batch's first readings (until then every script is read). */
  scripts: ScriptName[] | null
  /** True once the reviewer chose them (a proposal never overrides a choice). */
  chosen: boolean
  available: ScriptName[]
}

export interface LineRow {
  id: number
  batchId: number
  index: number
  file: string
  state: 'pending' | 'read' | 'failed'
  /** The text shown: the reviewer's, else the in-context reading, else the model's. */
  text: string
  /** Where `text` comes from. */
  source: 'model' | 'context' | 'human'
  /** The model's own reading (before context and corrections). */
  modelText: string
  confidence: number
  /** Corrected lines whose frames decided the in-context change (its in-context examples). */
  examples: number[]
  /** Why this line could not be read (corrupt file, unsupported format…); null when it was read. */
  error: string | null
  /** One confidence per character of `text` (model or in-context reading); empty for a reviewer's text. */
  charConfidences: number[]
  /** How a reviewed line was reviewed: typed over, or accepted as read; null when not reviewed. */
  review: 'typed' | 'accepted' | null
  /** For a line found on a page: the page number in its document (1-based) and its quad there (page pixels). */
  page: number | null
  quad: Array<[number, number]> | null
  /** The reviewer marked it not text (a speck, a logo, a stamp): out of the review order, the counts, the
   *  pool, and exported with status `not-text`. `review:notText` marks it and takes the mark back. */
  notText: boolean
  /** Probably not text (a speck, a rule, a smudge: no letters, tiny, nearly blank, a faint box read unsure),
   *  and nobody said otherwise: grouped at the end of the hardest-first order. `review:notText` with false
   *  says it is text (back into the order); with true marks it not text. */
  likelyJunk: boolean
}

/** The page a line was found on: a preview of it, with the line's quad in the page's own pixels. */
export interface PageView {
  file: string
  page: number
  width: number
  height: number
  quad: Array<[number, number]> | null
  dataUrl: string
}

export interface LinePage {
  total: number
  rows: LineRow[]
}

/** What the engine decided about context for a batch (see in-context.md). */
export interface ContextDecision {
  /** 1 when context acts (its gate decides unit by unit), 0 when the batch reads as the model alone. */
  trust: number
  /** Corrected lines whose reading just before their correction decided it (see `errorsByTrust`). */
  calibrationLines: number
  /** Those lines' edits against the reviewer's text: '0' as the model read them, '1' as context would have. */
  errorsByTrust: Record<string, number>
  /** The gate context decides with (src/main/core/incontext/gate.ts), absent before the first calibration. */
  gate?: ContextGate
  poolEntries: number
  correctedLines: number
  unaligned: number
  /** Nats of the model's evidence a word of the batch's vocabulary is worth (0: the lexicon is off). */
  lexiconBias: number
  /** Words (and word pairs) in the batch's vocabulary, from its corrections. */
  lexiconEntries: number
  /**
   * How the batch's corrections write, which every line is shown in whether context is on or off: in one
   * case ('upper': receipts transcribed in capitals; incontext/case-convention.ts), and with no space
   * before these marks (incontext/mark-spacing.ts). Absent in decisions saved before they were kept.
   */
  conventions?: { case: 'upper' | 'lower' | null; unspacedBefore: string }
  /** The lexicon's leave-one-out: corrected lines replayed, and their edits by bias. */
  lexiconCalibrationLines: number
  errorsByBias: Record<string, number>
}

/** The per-unit gate of a batch: its weights, what they were fitted on, and the evidence for acting at all. */
export interface ContextGate {
  chars: number[]
  gaps: number[]
  /** Units of corrected lines the weights were fitted on. */
  examples: number
  /** The weights' posterior precision (row-major), which stands as the prior of later fits when the batch is
   *  opened again (its examples are not kept). */
  charsPrecision: number[]
  gapsPrecision: number[]
  /** Corrected lines that context, just before their correction, read better / worse than the model. */
  better: number
  worse: number
  /** Characters context would have fixed / broken on them (absent in decisions saved before they were counted). */
  fixed?: number
  broken?: number
}

/** A batch's decision before it has any evidence: the model alone. */
export const noContextDecision: ContextDecision = {
  trust: 0,
  calibrationLines: 0,
  errorsByTrust: {},
  poolEntries: 0,
  correctedLines: 0,
  unaligned: 0,
  lexiconBias: 0,
  lexiconEntries: 0,
  lexiconCalibrationLines: 0,
  errorsByBias: {},
}

/** A named context pool: frames of corrected lines saved to start other batches of the same kind. */
export interface PoolSummary {
  id: number
  name: string
  modelId: string
  /** The trust in context decided in the batch it was saved from; a new batch starts from it. */
  trust: number
  entries: number
  /** Words of its batch's vocabulary, and the bias that batch decided for them. */
  words: number
  lexiconBias: number
  createdAt: string
}

/**
 * A correction's reply: it is in the library (it survives a crash from here on). What it does to the
 * batch follows as the event `correction:applied` — at once when the batch's context is loaded, after a
 * restart once it has loaded, always in the order the corrections were saved.
 */
export interface ReviewSaved {
  lineId: number
  batchId: number
  correctionId: number
  /** Time from the request to the correction committed, in milliseconds. */
  savedMs: number
}

/** What a correction did once the batch's context took it in (the event `correction:applied`). */
export interface ReviewUpdate {
  lineId: number
  /** Other lines whose reading changed because of this correction. */
  changed: number[]
  /** Time from the correction to the updated readings, in milliseconds. */
  updateMs: number
  /** The batch's decision as this update found it. The calibration this correction makes due runs next,
   *  in the background; a change it makes is announced with `lines:changed`, and `review:decision`
   *  waits for it. */
  decision: ContextDecision
  /** Characters the reviewer changed in what they were shown, and would have in the model's reading
   *  (absent for an undo, or a line the model could not read). */
  effort?: { shown: number; model: number }
}

/** The orders the review list offers: hardest first (see review-order.ts) or as the batch was read. */
export type LineOrder = 'hardest' | 'document'
/** unreviewed: not corrected nor accepted; corrected: reviewed (typed or accepted); context: changed by context;
 *  not-text: marked not text (the other filters leave those out). */
export type LineFilter = 'all' | 'unreviewed' | 'corrected' | 'context' | 'not-text'

/** One correction of this session and what it did to the batch (the learning chart). */
export interface CorrectionEffect {
  at: string
  lineId: number
  kind: 'typed' | 'accepted' | 'undo' | 'not-text' | 'is-text'
  /** Other lines whose reading changed. */
  changed: number
  updateMs: number
  trust: number
  /** Mean confidence of the lines not reviewed yet, after this correction. */
  unreviewedConfidence: number
  /** The lines not reviewed yet that are probably still wrong (ReviewStats.probablyWrong), after this correction. */
  probablyWrong: number
  /** The correction's `effort` (ReviewUpdate): what context saved the reviewer on this line. */
  effort?: { shown: number; model: number }
}

/** The batch's counts and the engine's current view of context, for the review screen's learning panel. */
export interface ReviewStats {
  /** Lines of the batch, less those marked not text (counted in `notText`). */
  lines: number
  read: number
  failed: number
  reviewed: number
  /** Lines whose shown text comes from context now. */
  context: number
  /** Lines marked not text: left out of every other count. */
  notText: number
  /** Lines the last correction changed (0 before any). */
  lastChanged: number
  unreviewedConfidence: number
  /**
   * How many of the lines not reviewed yet are probably still wrong: the sum of each one's probability of
   * being wrong, the engine's own judgement calibrated on this batch's corrections and acceptances.
   */
  probablyWrong: number
  /** Null until the batch's context is loaded (first correction, or after a restart). */
  decision: ContextDecision | null
  /**
   * True while a batch with corrections has its context read again (after a restart: ~40 s at 50,000
   * lines on a 2-core laptop). The model's readings are shown meanwhile; a correction made now is saved
   * at once and applied when it is ready. `lines:changed` follows when it is.
   */
  contextLoading: boolean
  /** The pool in use: this batch's corrections (shared pools come later). */
  pool: { scope: 'batch'; entries: number }
  /** Corrections of this engine session, oldest first (at most the last 500). */
  history: CorrectionEffect[]
}

export type ExportFormat = 'csv' | 'json'

export interface ExportResult {
  path: string
  lines: number
  bytes: number
  ms: number
}

export interface CropImage {
  mime: 'image/png'
  dataUrl: string
}

// Paths come from a user or a remote browser: bounded, no NUL bytes (they truncate paths in C APIs).
const FsPath = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'path is too long')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character')
const Id = z.number().int().positive()
// A lone UTF-16 surrogate is not text: SQLite would store it as U+FFFD, so what the reviewer typed would
// not be what is kept. Refused at the boundary instead.
// The limit counts characters (code points) as a reader does: 10,000 emoji are as long as 10,000 letters,
// though they take twice the UTF-16 units. The units are capped too, so the count itself stays cheap.
const LineText = z
  .string()
  .max(20_000, 'a line of text is at most 10,000 characters')
  .refine((s) => s.length <= 10_000 || [...s].length <= 10_000, 'a line of text is at most 10,000 characters')
  .refine((s) => !/\p{Cs}/u.test(s), 'the text contains an unpaired surrogate (not valid Unicode text)')

export const apiInputs = {
  'engine:status': z.object({}).strict(),
  'batch:list': z.object({}).strict(),
  /** A folder that is a batch already opens that batch (`fresh`: a new batch of it all the same). */
  'batch:openFolder': z.object({ path: FsPath, name: z.string().max(200).optional(), fresh: z.boolean().optional() }).strict(),
  'batch:lines': z
    .object({
      batchId: Id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
      order: z.enum(['hardest', 'document']).default('document'),
      filter: z.enum(['all', 'unreviewed', 'corrected', 'context', 'not-text']).default('all'),
      search: z.string().max(200).default(''),
    })
    .strict(),
  'batch:position': z
    .object({
      batchId: Id,
      lineId: Id,
      order: z.enum(['hardest', 'document']).default('document'),
      filter: z.enum(['all', 'unreviewed', 'corrected', 'context', 'not-text']).default('all'),
      search: z.string().max(200).default(''),
    })
    .strict(),
  /** One folder or file that is a batch already opens that batch (`fresh`: a new batch all the same). */
  'batch:openPaths': z
    .object({
      paths: z.array(FsPath).min(1, 'at least one path is required').max(10_000),
      name: z.string().max(200).optional(),
      fresh: z.boolean().optional(),
    })
    .strict(),
  'batch:scripts': z.object({ batchId: Id }).strict(),
  /** The reviewer's choice of scripts for a batch: every reading is decoded again in them (no model run). */
  'batch:setScripts': z
    .object({ batchId: Id, scripts: z.array(z.enum(['latin', 'cjk', 'greek', 'cyrillic'])).min(1, 'choose at least one script').max(4) })
    .strict(),
  /** Adds the files of a batch's folder that are not in it yet (see BatchSummary.newFiles), and reads them. */
  'batch:readNew': z.object({ batchId: Id }).strict(),
  'batch:export': z
    .object({
      batchId: Id,
      format: z.enum(['csv', 'json']),
      path: FsPath,
      bom: z.boolean().default(false),
      /** Replace a file that is there already (only when the user said so: the app asks, the CLI needs --force). */
      overwrite: z.boolean().default(false),
      /** Names the export's `job:progressed` events, so the screen that asked can follow them. */
      jobId: z.string().regex(/^export-[\w-]{1,64}$/, 'an export job id starts with export-').optional(),
    })
    .strict(),
  'review:stats': z.object({ batchId: Id }).strict(),
  'line:rows': z.object({ ids: z.array(Id).max(100, 'at most 100 lines at once') }).strict(),
  'line:crop': z.object({ lineId: Id }).strict(),
  'job:cancel': z.object({ jobId: z.string().min(1).max(64) }).strict(),
  /** Reads a batch's unread lines: after a cancel (a crash or quit resumes by itself on the next start). */
  'batch:resume': z.object({ batchId: Id }).strict(),
  'line:page': z.object({ lineId: Id }).strict(),
  'review:correct': z.object({ lineId: Id, text: LineText }).strict(),
  'review:accept': z.object({ lineId: Id }).strict(),
  'review:undo': z.object({ batchId: Id }).strict(),
  /** Marks a line not text (true), or takes the mark back: it is text after all (false); undone as a correction. */
  'review:notText': z.object({ lineId: Id, notText: z.boolean() }).strict(),
  'review:decision': z.object({ batchId: Id }).strict(),
  'pool:save': z.object({ batchId: Id, name: z.string().trim().min(1, 'a pool needs a name').max(200) }).strict(),
  'pool:list': z.object({}).strict(),
  'pool:use': z.object({ batchId: Id, poolId: Id.nullable() }).strict(),
  /** `overwrite`: replace a file that is there already (only when the user said so). */
  'pool:export': z.object({ poolId: Id, path: FsPath, overwrite: z.boolean().default(false) }).strict(),
  'pool:import': z.object({ path: FsPath }).strict(),
} as const

export interface ApiOutputs {
  'engine:status': EngineStatus
  'batch:list': BatchSummary[]
  'batch:openFolder': BatchSummary
  'batch:lines': LinePage
  /** Where a line stands in a listing (null when the filter or search leaves it out). */
  'batch:position': { index: number | null }
  'batch:openPaths': BatchSummary
  'batch:readNew': BatchSummary
  'batch:scripts': BatchScripts
  'batch:setScripts': BatchScripts
  'batch:export': ExportResult
  'review:stats': ReviewStats
  /** Lines by id as the reviewer sees them (a line's in-context examples), in the order asked. */
  'line:rows': LineRow[]
  'line:crop': CropImage
  'job:cancel': { cancelled: boolean }
  'batch:resume': BatchSummary
  /** The page a line was found on; null for a line image that was cut already. */
  'line:page': PageView | null
  'review:correct': ReviewSaved
  'review:accept': ReviewSaved
  'review:undo': ReviewSaved | null
  'review:notText': ReviewSaved
  'review:decision': ContextDecision
  'pool:save': PoolSummary
  'pool:list': PoolSummary[]
  'pool:use': ContextDecision
  'pool:export': PoolSummary
  'pool:import': PoolSummary
}

export type ApiName = keyof typeof apiInputs
export type ApiInput<K extends ApiName> = z.input<(typeof apiInputs)[K]>
export type ApiParsedInput<K extends ApiName> = z.output<(typeof apiInputs)[K]>
export type ApiOutput<K extends ApiName> = ApiOutputs[K]
export const apiNames = Object.keys(apiInputs) as ApiName[]

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(apiInputs, name)
}

/** Errors cross every boundary as data; the UI shows `message`, the log keeps the stack. */
export type ErrorCode =
  | 'bad-input'
  | 'unknown-request'
  | 'not-found'
  /** The file to write exists, and the caller did not say it may be replaced (`overwrite`). */
  | 'exists'
  | 'unreadable'
  | 'cancelled'
  | 'unavailable'
  | 'internal'
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string }

/** What every host exposes to the renderer: one call per contract name, and the event stream. Functions,
 *  not methods: none needs a `this`, and a caller may pass them on as they are. */
export interface LectorClient {
  call: <K extends ApiName>(name: K, input: ApiInput<K>) => Promise<Result<ApiOutput<K>>>
  on: <E extends import('./events').EventName>(
    event: E,
    listener: (payload: import('./events').EventPayload<E>) => void,
  ) => () => void
}
