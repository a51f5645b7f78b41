// What a screen reader says for a row of the review list. The row is an option of a listbox, whose
// contents a reader does not walk into, so its label carries what the eye gets from the row: the text,
// where it comes from or how sure the engine is, an unsaved edit, and the line's file.
import type { LineRow } from '../../../shared/api'
import { unreachable } from '../../lib/unreachable'

/** Below this a line's confidence is shown as low: the lines worth a look first. */
export const LOW_LINE = 0.8

/** The id of a line's row, which the listbox names as its active descendant. */
export const rowId = (lineId: number) => `line-${lineId}`

export function rowLabel(line: LineRow, draft: string | undefined): string {
  const text = line.text.trim() === '' ? 'no text' : line.text
  const where = `${line.file}${line.page === null ? '' : `, page ${line.page}`}`
  const edit = draft !== undefined && draft !== line.text ? `; unsaved edit: ${draft}` : ''
  if (line.notText) return `marked not text (the model read ${text})${edit}; ${where}`
  const junk = line.likelyJunk ? '; likely not text' : ''
  if (line.source === 'human') return `${text}; ${line.review === 'accepted' ? 'accepted as read' : 'corrected by you'}${edit}; ${where}`
  switch (line.state) {
    case 'pending':
      return `being read; ${where}`
    case 'failed':
      return `could not be read: ${line.error ?? 'no reason given'}; ${where}`
    case 'read': {
      const sure = `${Math.round(line.confidence * 100)}% sure${line.confidence < LOW_LINE ? ', worth a look' : ''}`
      const how = line.source === 'context' ? `changed by context from ${line.modelText.trim() === '' ? 'no text' : line.modelText}, ${sure}` : sure
      return `${text}; ${how}${junk}${edit}; ${where}`
    }
    default:
      throw unreachable(line.state)
  }
}
