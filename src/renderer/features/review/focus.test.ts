import { describe, expect, it } from 'vitest'
import type { LineRow } from '../../../shared/api'
import { focusedRow, follow, lostLine, type LoadedRows } from './focus'

const rowsOf = (ids: number[]): LoadedRows => {
  const rows = ids.map((id) => ({ id }) as LineRow)
  return { rowAt: (i) => rows[i], indexOf: (id) => ids.indexOf(id) }
}

describe('the focused row', () => {
  it('is the chosen line wherever a re-sort put it, before the focus has caught up', () => {
    // Line 7 was focused at position 1; line 3 above it was corrected and went to the end.
    const after = rowsOf([7, 9, 4, 3])
    expect(focusedRow({ index: 1, id: 7, sticky: true }, after)).toEqual({ row: { id: 7 }, index: 0 })
  })

  it('is none while the chosen line is not among the loaded rows, never the line now at its position', () => {
    expect(focusedRow({ index: 1, id: 7, sticky: true }, rowsOf([9, 4, 3])).row).toBeUndefined()
  })

  it('stays at its position until the reviewer chooses a line', () => {
    expect(focusedRow({ index: 0, id: 7, sticky: false }, rowsOf([9, 7]))).toEqual({ row: { id: 9 }, index: 0 })
    expect(focusedRow({ index: 0, id: null, sticky: false }, rowsOf([9, 7])).row).toEqual({ id: 9 })
  })
})

describe('following the focused line', () => {
  it('takes the line at its position until the reviewer chooses one', () => {
    expect(follow({ index: 1, id: null, sticky: false }, rowsOf([9, 7]), 2)).toEqual({ kind: 'move', focus: { index: 1, id: 7, sticky: false } })
    expect(follow({ index: 1, id: 7, sticky: false }, rowsOf([9, 7]), 2)).toEqual({ kind: 'stay' })
  })

  it('moves back to the last line when the listing shrank under it', () => {
    expect(follow({ index: 5, id: null, sticky: false }, rowsOf([9, 7]), 2)).toEqual({ kind: 'move', focus: { index: 1, id: null, sticky: false } })
  })

  it('waits while the first page of a listing is on its way', () => {
    expect(follow({ index: 0, id: null, sticky: false }, rowsOf([]), null)).toEqual({ kind: 'stay' })
    expect(follow({ index: 0, id: 7, sticky: true }, rowsOf([]), null)).toEqual({ kind: 'stay' })
  })

  it('goes where a re-sort put the chosen line', () => {
    expect(follow({ index: 1, id: 7, sticky: true }, rowsOf([7, 9, 4, 3]), 4)).toEqual({ kind: 'move', focus: { index: 0, id: 7, sticky: true } })
  })

  it('asks the engine where the chosen line went once its place holds another line', () => {
    expect(follow({ index: 1, id: 7, sticky: true }, rowsOf([9, 4, 3]), 3)).toEqual({ kind: 'ask', lineId: 7 })
  })

  it('asks too when the listing now ends before the chosen line\'s place', () => {
    expect(follow({ index: 3, id: 7, sticky: true }, rowsOf([9, 4]), 2)).toEqual({ kind: 'ask', lineId: 7 })
  })

  it('waits, not asks, while the rows at the chosen line\'s place are still loading (they may hold it)', () => {
    const loading: LoadedRows = { rowAt: (i) => (i === 0 ? ({ id: 9 } as LineRow) : undefined), indexOf: (id) => (id === 9 ? 0 : -1) }
    expect(follow({ index: 150, id: 7, sticky: true }, loading, 300)).toEqual({ kind: 'stay' })
  })
})

describe('the lost line', () => {
  it('is a number that stays the same while the question does, however often the rows are rebuilt', () => {
    // Effects keyed on it run once per question: equal rows rebuilt as new objects give the identical key.
    const focus = { index: 1, id: 7, sticky: true }
    const keys = Array.from({ length: 5 }, () => lostLine({ ...focus }, rowsOf([9, 4, 3]), 3))
    expect(new Set(keys)).toEqual(new Set([7]))
  })

  it('is null while the focused line is loaded or not chosen', () => {
    expect(lostLine({ index: 0, id: 7, sticky: true }, rowsOf([7]), 1)).toBeNull()
    expect(lostLine({ index: 0, id: 7, sticky: false }, rowsOf([9]), 1)).toBeNull()
  })
})
