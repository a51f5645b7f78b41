// The review screen's keyboard flow (keys.ts) and its calls to the engine; its state, and what every
// key and reply does to it, live in review-state.ts. The focused line is followed by id (the list
// re-sorts as the batch learns), by position while its id is unknown; what the screen shows focused and
// what a key acts on is always that line (focus.ts).
//
// Effects here depend on values that change only when what they stand for changes: `listing` is
// memoised by the screen, `pages` is a new object only when rows arrive (use-row-pages.ts), the focus
// only when the reducer moves it. (Depending on objects rebuilt at every render, the search for a lost
// focused line sent `batch:position` on every render.)
import { useCallback, useEffect, useReducer, useRef, type KeyboardEvent } from 'react'
import type { LineRow, ReviewSaved, Result } from '../../../shared/api'
import { useClient, useEvent } from '../../lib/client'
import { unreachable } from '../../lib/unreachable'
import { follow, focusedRow, lostLine } from './focus'
import { inputKey, listKey, type KeyCommand } from './keys'
import { correctionState, initialReviewState, reviewReducer, type CorrectionState, type Panel } from './review-state'
import type { Listing, RowPages } from './use-row-pages'

/** How long changed lines stay highlighted after a correction. */
const FLASH_MS = 2_500

export interface Review {
  /** The focused line as shown now: the row of the focused id where the reviewer chose it (undefined while
   *  it is not among the loaded rows), else the row at the focused position. */
  focusedRow: LineRow | undefined
  /** Where `focusedRow` is in the listing now (the focus's position until the row is found). */
  focusedIndex: number
  /** The line the reviewer chose (the focus follows it), whether or not its row is loaded; else null. */
  chosenId: number | null
  editing: boolean
  /** Bumps on every request to edit, so the focused row's text box takes the keyboard again. */
  editRequest: number
  drafts: ReadonlyMap<number, string>
  flashing: ReadonlySet<number>
  /** The latest correction: saved, then applied in context (with what it changed). */
  correction: CorrectionState | null
  message: string | null
  panel: Panel
  // Callbacks, passed to rows and effects as they are: function properties, not methods (no `this`).
  focusAt: (index: number, edit?: boolean) => void
  /** Gives the focused line's text box the keyboard. */
  edit: () => void
  setDraft: (lineId: number, text: string) => void
  setPageSize: (rows: number) => void
  /** Marks a line not text, or takes its mark back (the mouse's way to what x and Alt+X do). */
  toggleNotText: (row: LineRow) => void
  /** Likely junk is text after all: back into the order. */
  sayText: (row: LineRow) => void
  onInputKey: (e: KeyboardEvent<HTMLInputElement>) => void
  onListKey: (e: KeyboardEvent<HTMLElement>) => void
}

export function useReview(listing: Listing, pages: RowPages, focusSearch: () => void): Review {
  const client = useClient()
  const [state, dispatch] = useReducer(reviewReducer, initialReviewState)
  const { focus, generation, drafts } = state
  const pageSize = useRef(8)
  const flashTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const total = pages.total ?? 0
  const setPageSize = useCallback((rows: number) => void (pageSize.current = rows), [])
  useEffect(() => () => clearTimeout(flashTimer.current), [])

  // A new listing (order, filter, search) starts at its top.
  useEffect(() => dispatch({ type: 'listing-changed' }), [listing])

  // Keep following the focused line as rows arrive and re-sort.
  useEffect(() => {
    const step = follow(focus, pages, pages.total)
    if (step.kind === 'move') dispatch({ type: 'rows-followed', from: focus, to: step.focus })
  }, [focus, pages])

  // The chosen line is not among the loaded rows: ask the engine where it went (it may have left the
  // listing, e.g. "unreviewed"). Asked again only when rows arrive or the focus moves and it is still
  // lost; rows arriving while a question is out do not cancel it (during recognition they arrive every
  // ~50 ms, and a reply would never land).
  const lost = lostLine(focus, pages, pages.total)
  const asking = useRef<string | null>(null)
  useEffect(() => {
    if (lost === null) return
    const question = `${generation}:${lost}`
    if (asking.current === question) return
    asking.current = question
    void client.call('batch:position', { ...listing, lineId: lost }).then((r) => {
      if (asking.current === question) asking.current = null
      dispatch({ type: 'position-found', generation, lineId: lost, index: r.ok ? r.value.index : null })
    })
  }, [client, listing, generation, lost, focus.index, pages.version])

  const { row: focused, index: focusedIndex } = focusedRow(focus, pages)

  const focusAt = useCallback(
    (index: number, edit?: boolean) => {
      if (total === 0) return
      const i = Math.max(0, Math.min(total - 1, index))
      const id = pages.rowAt(i)?.id ?? null
      dispatch({ type: 'focused', focus: { index: i, id, sticky: id !== null }, edit })
    },
    [pages, total],
  )

  const setDraft = useCallback((lineId: number, text: string) => dispatch({ type: 'draft-set', lineId, text }), [])
  const edit = useCallback(() => dispatch({ type: 'edit-requested' }), [])

  /** A correction's reply: it is saved (what it changes follows as `correction:applied`). */
  function saved(result: Result<ReviewSaved>): void {
    if (!result.ok) return dispatch({ type: 'message-shown', message: result.message })
    dispatch({ type: 'saved', saved: result.value })
  }

  useEvent('correction:applied', ({ batchId, correctionId, update, error }) => {
    if (batchId !== listing.batchId) return
    dispatch({ type: 'applied', applied: { correctionId, update, error } })
    clearTimeout(flashTimer.current)
    flashTimer.current = setTimeout(() => dispatch({ type: 'flash-ended' }), FLASH_MS)
  })

  const next = () => focusAt(focusedIndex + 1)

  /**
   * The line a key saves or accepts: the focused row, or — while a re-sort has taken it out of the loaded
   * rows — the line the focus holds (its reply brings the row back). Acting only on a loaded row dropped a
   * Ctrl+Enter or an Enter pressed in that moment: the focus moved on and nothing was saved.
   */
  function target(): { id: number; row: LineRow | undefined } | null {
    if (focused) return focused.state === 'read' ? { id: focused.id, row: focused } : null
    return focus.id === null ? null : { id: focus.id, row: undefined }
  }

  async function save() {
    const line = target()
    if (!line) return next()
    const text = drafts.get(line.id) ?? line.row?.text
    dispatch({ type: 'draft-dropped', lineId: line.id })
    next()
    if (text === undefined || text === line.row?.text) return
    saved(await client.call('review:correct', { lineId: line.id, text }))
  }

  async function accept() {
    const line = target()
    if (!line) return next()
    const draft = drafts.get(line.id)
    dispatch({ type: 'draft-dropped', lineId: line.id })
    next()
    if (draft !== undefined && draft !== line.row?.text) saved(await client.call('review:correct', { lineId: line.id, text: draft }))
    else saved(await client.call('review:accept', { lineId: line.id }))
  }

  /** Marks the line not text and goes on, or takes its mark back (it stays focused: it moves back in).
   *  `mark` false on likely junk: it is text, back into the order. */
  async function notText(row: LineRow | undefined, mark = !row?.notText) {
    if (!row || row.state === 'pending') return
    dispatch({ type: 'draft-dropped', lineId: row.id })
    if (mark) next()
    saved(await client.call('review:notText', { lineId: row.id, notText: mark }))
  }

  async function undo() {
    const result = await client.call('review:undo', { batchId: listing.batchId })
    if (!result.ok) return dispatch({ type: 'message-shown', message: result.message })
    if (!result.value) return dispatch({ type: 'message-shown', message: 'Nothing to undo.' })
    saved({ ok: true, value: result.value })
    const lineId = result.value.lineId
    dispatch({ type: 'draft-dropped', lineId })
    const position = await client.call('batch:position', { ...listing, lineId })
    if (position.ok && position.value.index !== null) dispatch({ type: 'undo-placed', generation, lineId, index: position.value.index })
  }

  function run(command: KeyCommand, row: LineRow | undefined): void {
    switch (command.kind) {
      case 'save':
        return void save()
      case 'accept':
        return void accept()
      case 'undo':
        return void undo()
      case 'not-text':
        return void notText(row)
      case 'move':
        return focusAt(focusedIndex + command.by)
      case 'move-to':
        return focusAt(command.place === 'first' ? 0 : total - 1)
      case 'drop-draft':
        if (row) dispatch({ type: 'draft-dropped', lineId: row.id })
        return
      case 'leave-text':
        return dispatch({ type: 'edit-left' })
      case 'edit':
        return dispatch({ type: 'edit-requested' })
      case 'panel':
        return dispatch({ type: 'panel-toggled', panel: command.panel })
      case 'close-panel':
        return dispatch({ type: 'panel-closed' })
      case 'search':
        return focusSearch()
      case 'type':
        if (!row) return
        dispatch({ type: 'draft-set', lineId: row.id, text: (drafts.get(row.id) ?? row.text) + command.char })
        return dispatch({ type: 'edit-requested' })
      default:
        throw unreachable(command)
    }
  }

  function onInputKey(e: KeyboardEvent<HTMLInputElement>) {
    const row = focused
    const draft = row === undefined || !drafts.has(row.id) ? 'none' : drafts.get(row.id) !== row.text ? 'changed' : 'unchanged'
    const command = inputKey(e, { draft, pageSize: pageSize.current })
    if (!command) return
    e.preventDefault()
    run(command, row)
  }

  function onListKey(e: KeyboardEvent<HTMLElement>) {
    if (e.target instanceof HTMLInputElement) return
    const command = listKey(e, { canType: focused?.state === 'read', pageSize: pageSize.current })
    if (!command) return
    e.preventDefault()
    run(command, focused)
  }

  return {
    focusedRow: focused,
    focusedIndex,
    chosenId: focus.sticky ? focus.id : null,
    editing: state.editing,
    editRequest: state.editRequest,
    drafts,
    flashing: state.flashing,
    correction: correctionState(state),
    message: state.message,
    panel: state.panel,
    focusAt,
    edit,
    setDraft,
    setPageSize,
    toggleNotText: (row) => void notText(row),
    sayText: (row) => void notText(row, false),
    onInputKey,
    onListKey,
  }
}
