// Which row the review screen shows focused. Derived at every render from the rows as they are then:
// kept as a position, it lagged a re-sort by one render, and a key typed in that moment went to the line
// that had just moved into the focused place.
import type { LineRow } from '../../../shared/api'

export interface Focus {
  index: number
  id: number | null
  /** Follow this line when the list re-sorts (the reviewer chose it); else stay at the position. */
  sticky: boolean
}

export interface LoadedRows {
  rowAt(index: number): LineRow | undefined
  indexOf(lineId: number): number
}

/**
 * The focused row and where it is now: the row of the focused id where the reviewer chose it (none while
 * it is not among the loaded rows: the position it had may hold another line), else the row at the
 * focused position.
 */
export function focusedRow(focus: Focus, rows: LoadedRows): { row: LineRow | undefined; index: number } {
  if (!focus.sticky || focus.id === null) return { row: rows.rowAt(focus.index), index: focus.index }
  const at = rows.indexOf(focus.id)
  return at >= 0 ? { row: rows.rowAt(at), index: at } : { row: undefined, index: focus.index }
}
