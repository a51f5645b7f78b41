import type { ContextDecision } from '../../../shared/api'
import type { ClassMap } from '../recognize/ctc'
import type { BatchAlphabet } from './batch-alphabet'
import type { Snapshot } from './evidence'
import type { FuseGate } from './fuse'
import type { LexiconBook } from './lexicon-book'
import type { LineState } from './line-state'
import type { LetterContextCounts } from './letter-context'
import type { CaseCounts } from './case-convention'
import type { MarkSpacing } from './mark-spacing'
import type { SpacingCounts } from './spacing'
import type { ContextSettings } from './settings'
import type { FrameStores } from './stores'

/** What a fit of the gate starts from: weights and their precision (row-major), per unit kind. */
export interface GatePrior {
  chars: { mean: number[]; precision: number[] }
  gaps: { mean: number[]; precision: number[] }
}

/** Evidence summed before this session (a restored decision): lines context read better / worse, and edits. */
export interface EvidenceBase {
  lines: number
  better: number
  worse: number
  modelEdits: number
  contextEdits: number
  /** Characters context would have fixed / broken on those lines (per line, the difference of edits). */
  fixed: number
  broken: number
}

/**
 * What the parts of a batch's context (stores, re-reading, calibration) share: one object per batch,
 * owned by its BatchContext and handed to each part, never a module's.
 */
export interface ContextState {
  readonly settings: ContextSettings
  /** The model's classes and those the batch's corrections added. */
  readonly alphabet: BatchAlphabet
  /** What the batch's scripts let decoding output (recognize/scripts.ts classMap); null: every class. */
  scriptClasses: ClassMap | null
  readonly stores: FrameStores
  readonly book: LexiconBook
  readonly lines: Map<number, LineState>
  /** Every line, in batch order. */
  readonly order: number[]
  /** Corrected lines, in the order of their latest correction. */
  corrections: number[]
  /** The batch's current decision: whether context acts, its gate, its lexicon bias, and their evidence. */
  decision: ContextDecision
  /** The gate fusion uses now (the decision's, with the alphabet's character kinds). */
  gate: FuseGate
  /** Each corrected line as context read it just before its first correction (evidence.ts). */
  readonly snapshots: Map<number, Snapshot>
  /** Where the gate's fit starts (settings, a saved pool's or a restored decision's posterior). */
  prior: GatePrior
  /** Evidence from before the batch was last opened. */
  base: EvidenceBase
  /** How the corrected texts space their characters (frozen into `gate.spacing` at each calibration). */
  readonly spacing: SpacingCounts
  /** What the reviewer wrote where the model read each character between two others (frozen into
   *  `gate.letters` with the spacing). */
  readonly letters: LetterContextCounts
  /** Which way the corrected texts turn the model's case (case-convention.ts): applied to every line shown. */
  readonly cases: CaseCounts
  /** Which marks the corrected texts write with no space before them (mark-spacing.ts): applied likewise. */
  readonly marks: MarkSpacing
}
