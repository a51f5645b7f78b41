import type { ContextDecision } from '../../../shared/api'
import type { Alphabet } from '../recognize/alphabet'
import type { LexiconBook } from './lexicon-book'
import type { LineState } from './line-state'
import type { ContextSettings } from './settings'
import type { FrameStores } from './stores'

/**
 * What the parts of a batch's context (stores, re-reading, calibration) share: one object per batch,
 * owned by its BatchContext and handed to each part, never a module's.
 */
export interface ContextState {
  readonly settings: ContextSettings
  readonly alphabet: Alphabet
  readonly stores: FrameStores
  readonly book: LexiconBook
  readonly lines: Map<number, LineState>
  /** Every line, in batch order. */
  readonly order: number[]
  /** Corrected lines, in the order of their latest correction. */
  corrections: number[]
  /** The batch's current decision: its trust in context, its lexicon bias, and what they were found from. */
  decision: ContextDecision
}
