// The review screen's state and every way it changes, as one pure reducer: what the keys and the
// engine's replies do to the focus, the drafts, the flash and the panels can be read (and tested) here
// without a screen. use-review.ts turns keys and replies into these actions.
import type { ReviewSaved, ReviewUpdate } from '../../../shared/api'
import { unreachable } from '../../lib/unreachable'
import type { Focus } from './focus'

export type Panel = 'none' | 'examples' | 'page'

export interface ReviewState {
  /** Bumps with every new listing: a reply to a question asked about an earlier one is dropped. */
  generation: number
  focus: Focus
  /** Whether the focused line's text box has the keyboard (else the list has it). */
  editing: boolean
  /** Bumps on every request to edit, so the focused row's text box takes the keyboard again. */
  editRequest: number
  /** Unsaved text by line id; kept while the reviewer moves away. */
  drafts: ReadonlyMap<number, string>
  /** Lines the last correction changed, highlighted for a moment. */
  flashing: ReadonlySet<number>
  /**
   * The reviewer's latest correction and where it stands: saved (its reply) and then applied in context
   * (`correction:applied`, which may come first). A batch applies its corrections in the order they were
   * saved, so the latest applied one says how far it has got.
   */
  lastSaved: ReviewSaved | null
  lastApplied: Applied | null
  message: string | null
  panel: Panel
}

/** A correction the batch's context took in, with what it changed (null and `error`: it could not yet). */
export interface Applied {
  correctionId: number
  update: ReviewUpdate | null
  error?: string
}

/** Where the latest correction stands, for the screen to say. */
export type CorrectionState =
  | { state: 'saved'; saved: ReviewSaved }
  | { state: 'applied'; saved: ReviewSaved; update: ReviewUpdate }
  | { state: 'not-applied'; saved: ReviewSaved; error: string }

export function correctionState({ lastSaved, lastApplied }: Pick<ReviewState, 'lastSaved' | 'lastApplied'>): CorrectionState | null {
  if (!lastSaved) return null
  if (!lastApplied || lastApplied.correctionId < lastSaved.correctionId) return { state: 'saved', saved: lastSaved }
  if (lastApplied.update) return { state: 'applied', saved: lastSaved, update: lastApplied.update }
  return { state: 'not-applied', saved: lastSaved, error: lastApplied.error ?? "the batch's context could not take it in" }
}

export type ReviewAction =
  /** Order, filter or search changed: the new listing starts at its top. */
  | { type: 'listing-changed' }
  /** Rows arrived or re-sorted and the focus caught up with them (see follow()); `from` is the focus
   *  that was computed from, so a step computed from an outdated focus is dropped. */
  | { type: 'rows-followed'; from: Focus; to: Focus }
  /** The engine's answer to where the lost focused line is now (null: not in this listing any more). */
  | { type: 'position-found'; generation: number; lineId: number; index: number | null }
  /** The reviewer chose a place (keys, mouse); `edit` also gives the text box the keyboard or takes it. */
  | { type: 'focused'; focus: Focus; edit?: boolean }
  /** An undone line's place in the listing: the focus goes to it. */
  | { type: 'undo-placed'; generation: number; lineId: number; index: number }
  | { type: 'edit-requested' }
  | { type: 'edit-left' }
  | { type: 'draft-set'; lineId: number; text: string }
  | { type: 'draft-dropped'; lineId: number }
  /** The engine saved a correction, an accept or an undo (its reply). */
  | { type: 'saved'; saved: ReviewSaved }
  /** The batch's context took a correction in (the event). */
  | { type: 'applied'; applied: Applied }
  | { type: 'flash-ended' }
  | { type: 'message-shown'; message: string }
  | { type: 'panel-toggled'; panel: Exclude<Panel, 'none'> }
  | { type: 'panel-closed' }

export const TOP: Focus = { index: 0, id: null, sticky: false }

export const initialReviewState: ReviewState = {
  generation: 0,
  focus: TOP,
  editing: true,
  editRequest: 0,
  drafts: new Map(),
  flashing: new Set(),
  lastSaved: null,
  lastApplied: null,
  message: null,
  panel: 'none',
}

const sameFocus = (a: Focus, b: Focus) => a.index === b.index && a.id === b.id && a.sticky === b.sticky

/** The state with `focus`, or the same state when nothing changed (so React skips the render). */
function withFocus(state: ReviewState, focus: Focus): ReviewState {
  return sameFocus(state.focus, focus) ? state : { ...state, focus }
}

function withEditing(state: ReviewState, on: boolean): ReviewState {
  return on ? { ...state, editing: true, editRequest: state.editRequest + 1 } : state.editing ? { ...state, editing: false } : state
}

export function reviewReducer(state: ReviewState, action: ReviewAction): ReviewState {
  switch (action.type) {
    case 'listing-changed':
      return { ...state, generation: state.generation + 1, focus: TOP }
    case 'rows-followed':
      return sameFocus(state.focus, action.from) ? withFocus(state, action.to) : state
    case 'position-found': {
      const { focus } = state
      if (action.generation !== state.generation || focus.id !== action.lineId || !focus.sticky) return state
      // Gone from this listing: stay at the place it had, and take whichever line is there now.
      if (action.index === null) return withFocus(state, { index: focus.index, id: null, sticky: false })
      return withFocus(state, { index: action.index, id: action.lineId, sticky: true })
    }
    case 'focused': {
      const next = withFocus(state, action.focus)
      return action.edit === undefined ? next : withEditing(next, action.edit)
    }
    case 'undo-placed':
      if (action.generation !== state.generation) return state
      return withFocus(state, { index: action.index, id: action.lineId, sticky: true })
    case 'edit-requested':
      return withEditing(state, true)
    case 'edit-left':
      return withEditing(state, false)
    case 'draft-set': {
      const drafts = new Map(state.drafts).set(action.lineId, action.text)
      // Typing chooses the line: from now on the focus follows it through re-sorts.
      const { focus } = state
      return { ...state, drafts, focus: focus.id === action.lineId && !focus.sticky ? { ...focus, sticky: true } : focus }
    }
    case 'draft-dropped': {
      if (!state.drafts.has(action.lineId)) return state
      const drafts = new Map(state.drafts)
      drafts.delete(action.lineId)
      return { ...state, drafts }
    }
    case 'saved':
      return { ...state, message: null, lastSaved: action.saved }
    case 'applied': {
      const { applied } = action
      // Events of an earlier session's corrections, or older than the one shown: nothing to say.
      if (state.lastApplied && applied.correctionId < state.lastApplied.correctionId) return state
      return { ...state, lastApplied: applied, flashing: applied.update ? new Set(applied.update.changed) : state.flashing }
    }
    case 'flash-ended':
      return state.flashing.size === 0 ? state : { ...state, flashing: new Set() }
    case 'message-shown':
      return { ...state, message: action.message }
    case 'panel-toggled':
      return { ...state, panel: state.panel === action.panel ? 'none' : action.panel }
    case 'panel-closed':
      return state.panel === 'none' ? state : { ...state, panel: 'none' }
    default:
      throw unreachable(action)
  }
}
