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

/** What keeping up with the focused line takes, once rows have arrived or re-sorted. */
export type FollowStep =
  /** Nothing: the focus is where it should be, or the rows it depends on are still on their way. */
  | { kind: 'stay' }
  | { kind: 'move'; focus: Focus }
  /** The chosen line is not among the loaded rows: ask the engine where it is now. */
  | { kind: 'ask'; lineId: number }

/**
 * Keeps the focus on the line the reviewer chose as the list re-sorts, or on its position until they
 * choose one. `total` is null while the listing's first page is on its way.
 */
export function follow(focus: Focus, rows: LoadedRows, total: number | null): FollowStep {
  const row = rows.rowAt(focus.index)
  if (focus.id === null || !focus.sticky) {
    if (row && row.id !== focus.id) return { kind: 'move', focus: { index: focus.index, id: row.id, sticky: false } }
    if (total !== null && total > 0 && focus.index >= total) return { kind: 'move', focus: { index: total - 1, id: null, sticky: false } }
    return { kind: 'stay' }
  }
  if (row?.id === focus.id) return { kind: 'stay' }
  const at = rows.indexOf(focus.id)
  if (at >= 0) return { kind: 'move', focus: { index: at, id: focus.id, sticky: true } }
  // Its place holds another line now (or the listing ended before it): it went elsewhere, or left the
  // listing (e.g. "unreviewed"). While the rows at its place are still loading, they may hold it.
  const pastTheEnd = total !== null && focus.index >= total
  return row || pastTheEnd ? { kind: 'ask', lineId: focus.id } : { kind: 'stay' }
}

/** The line whose position the engine must be asked for, or null: a number, so an effect keyed on it
 *  runs when the question changes, not on every render. */
export function lostLine(focus: Focus, rows: LoadedRows, total: number | null): number | null {
  const step = follow(focus, rows, total)
  return step.kind === 'ask' ? step.lineId : null
}
