import { describe, expect, it } from 'vitest'
import type { ReviewSaved, ReviewUpdate } from '../../../shared/api'
import { correctionState, initialReviewState, reviewReducer, type ReviewAction, type ReviewState } from './review-state'

const update = (lineId: number, changed: number[]): ReviewUpdate => ({ lineId, changed, updateMs: 12, decision: {} as ReviewUpdate['decision'] })
const saved = (correctionId: number, lineId: number): ReviewSaved => ({ lineId, batchId: 1, correctionId, savedMs: 1 })
const run = (actions: ReviewAction[], from: ReviewState = initialReviewState) => actions.reduce(reviewReducer, from)
const at = (index: number, id: number | null, sticky = id !== null) => ({ index, id, sticky })

describe('the review reducer', () => {
  it('starts editing the line at the top of the listing', () => {
    expect(initialReviewState).toMatchObject({ focus: at(0, null, false), editing: true, panel: 'none', message: null })
  })

  it('starts a new listing at its top and drops replies about the old one', () => {
    const chosen = run([{ type: 'focused', focus: at(5, 42) }])
    const fresh = reviewReducer(chosen, { type: 'listing-changed' })
    expect(fresh.focus).toEqual(at(0, null, false))
    expect(fresh.generation).toBe(chosen.generation + 1)
    const late = reviewReducer({ ...fresh, focus: at(5, 42) }, { type: 'position-found', generation: chosen.generation, lineId: 42, index: 9 })
    expect(late.focus).toEqual(at(5, 42))
  })

  it('follows rows only from the focus the step was computed from', () => {
    const state = run([{ type: 'focused', focus: at(3, 7) }])
    expect(reviewReducer(state, { type: 'rows-followed', from: at(3, 7), to: at(1, 7) }).focus).toEqual(at(1, 7))
    expect(reviewReducer(state, { type: 'rows-followed', from: at(2, 7), to: at(1, 7) })).toBe(state)
  })

  it('returns the same state when the focus does not change, so the screen does not render again', () => {
    const state = run([{ type: 'focused', focus: at(3, 7) }])
    expect(reviewReducer(state, { type: 'focused', focus: at(3, 7) })).toBe(state)
    expect(reviewReducer(state, { type: 'position-found', generation: state.generation, lineId: 7, index: 3 })).toBe(state)
  })

  it('moves the focus to where the engine found the lost line', () => {
    const state = run([{ type: 'focused', focus: at(3, 7) }])
    expect(reviewReducer(state, { type: 'position-found', generation: state.generation, lineId: 7, index: 40 }).focus).toEqual(at(40, 7))
  })

  it('stays at the place of a line that left the listing, ready to take the line there now', () => {
    const state = run([{ type: 'focused', focus: at(3, 7) }])
    expect(reviewReducer(state, { type: 'position-found', generation: state.generation, lineId: 7, index: null }).focus).toEqual(at(3, null, false))
  })

  it('ignores where a line is once the reviewer has moved to another', () => {
    const state = run([{ type: 'focused', focus: at(4, 8) }])
    expect(reviewReducer(state, { type: 'position-found', generation: state.generation, lineId: 7, index: 40 })).toBe(state)
  })

  it('focuses an undone line wherever it is now, unless the listing changed meanwhile', () => {
    const state = run([{ type: 'focused', focus: at(4, 8) }])
    expect(reviewReducer(state, { type: 'undo-placed', generation: state.generation, lineId: 7, index: 0 }).focus).toEqual(at(0, 7))
    expect(reviewReducer(state, { type: 'undo-placed', generation: state.generation - 1, lineId: 7, index: 0 })).toBe(state)
  })

  it('makes the text box take the keyboard again on every request to edit', () => {
    const left = run([{ type: 'edit-left' }])
    expect(left.editing).toBe(false)
    const back = run([{ type: 'edit-requested' }, { type: 'edit-requested' }], left)
    expect(back.editing).toBe(true)
    expect(back.editRequest).toBe(left.editRequest + 2)
  })

  it('gives or takes the keyboard with a focus move when asked, and leaves it alone otherwise', () => {
    const left = run([{ type: 'edit-left' }])
    expect(reviewReducer(left, { type: 'focused', focus: at(2, 5) }).editing).toBe(false)
    expect(reviewReducer(left, { type: 'focused', focus: at(2, 5), edit: true })).toMatchObject({ editing: true, editRequest: left.editRequest + 1 })
    expect(reviewReducer(initialReviewState, { type: 'focused', focus: at(2, 5), edit: false }).editing).toBe(false)
  })

  it('keeps a draft per line, and typing makes the focus follow its line through re-sorts', () => {
    const state = run([{ type: 'focused', focus: at(2, 5, false) }, { type: 'draft-set', lineId: 5, text: 'TOTAL' }])
    expect(state.drafts.get(5)).toBe('TOTAL')
    expect(state.focus).toEqual(at(2, 5, true))
  })

  it('drops a draft without touching the others, and does nothing for a line without one', () => {
    const state = run([
      { type: 'draft-set', lineId: 5, text: 'A' },
      { type: 'draft-set', lineId: 6, text: 'B' },
    ])
    const dropped = reviewReducer(state, { type: 'draft-dropped', lineId: 5 })
    expect([...dropped.drafts]).toEqual([[6, 'B']])
    expect(state.drafts.size).toBe(2)
    expect(reviewReducer(dropped, { type: 'draft-dropped', lineId: 5 })).toBe(dropped)
  })

  it('shows what a correction changed until the flash ends, and clears an old message', () => {
    const state = run([
      { type: 'message-shown', message: 'Nothing to undo.' },
      { type: 'saved', saved: saved(3, 5) },
      { type: 'applied', applied: { correctionId: 3, update: update(5, [6, 7]) } },
    ])
    expect(state.message).toBeNull()
    expect([...state.flashing]).toEqual([6, 7])
    expect(correctionState(state)).toMatchObject({ state: 'applied', saved: { lineId: 5 }, update: { changed: [6, 7] } })
    const ended = reviewReducer(state, { type: 'flash-ended' })
    expect(ended.flashing.size).toBe(0)
    expect(ended.lastApplied).toBe(state.lastApplied)
  })

  it('says a correction is saved until the batch has applied it, whichever of the two is told first', () => {
    const pending = run([{ type: 'saved', saved: saved(4, 5) }])
    expect(correctionState(pending)).toMatchObject({ state: 'saved' })
    // An earlier correction applied (after a restart they are applied in order): this one still waits.
    const earlier = reviewReducer(pending, { type: 'applied', applied: { correctionId: 3, update: update(9, []) } })
    expect(correctionState(earlier)).toMatchObject({ state: 'saved', saved: { correctionId: 4 } })
    // The event before the reply.
    const early = run([
      { type: 'applied', applied: { correctionId: 4, update: update(5, [8]) } },
      { type: 'saved', saved: saved(4, 5) },
    ])
    expect(correctionState(early)).toMatchObject({ state: 'applied', update: { changed: [8] } })
    // A late event of an older correction does not take the place of a newer one.
    expect(reviewReducer(early, { type: 'applied', applied: { correctionId: 2, update: update(1, [2]) } })).toBe(early)
    const failed = reviewReducer(pending, { type: 'applied', applied: { correctionId: 4, update: null, error: 'no room' } })
    expect(correctionState(failed)).toEqual({ state: 'not-applied', saved: saved(4, 5), error: 'no room' })
  })

  it('toggles a panel with its key, switches between panels, and closes them', () => {
    const examples = run([{ type: 'panel-toggled', panel: 'examples' }])
    expect(examples.panel).toBe('examples')
    expect(reviewReducer(examples, { type: 'panel-toggled', panel: 'examples' }).panel).toBe('none')
    expect(reviewReducer(examples, { type: 'panel-toggled', panel: 'page' }).panel).toBe('page')
    expect(reviewReducer(examples, { type: 'panel-closed' }).panel).toBe('none')
  })

  it('throws on an action it does not know rather than ignoring it', () => {
    expect(() => reviewReducer(initialReviewState, { type: 'nonsense' } as unknown as ReviewAction)).toThrow(/unreachable/)
  })
})
