import { describe, expect, it } from 'vitest'
import type { LineRow } from '../../../shared/api'
import { focusedRow, type LoadedRows } from './focus'

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
