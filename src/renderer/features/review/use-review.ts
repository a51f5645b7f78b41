// The review screen's keyboard flow and its calls to the engine. The focused line is followed by id
// (the list re-sorts as the batch learns), by position while its id is unknown; what the screen shows
// focused and what a key acts on is always that line (focus.ts).
//
// Text box (the focused line, default): type to correct · Enter save and next · Ctrl+Enter accept and
// next · ↑/↓ move (an unsaved edit is kept as a draft) · Esc drop the edit, again to leave the box ·
// Ctrl+Z undo the last correction · Alt+E examples · Alt+P page.
// List (after Esc): j/↓ k/↑ move · PageUp/PageDown/Home/End · Enter or i edit · a accept · u or Ctrl+Z
// undo · e examples · p page · / search · any other character starts an edit with it.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { ApiName, LineRow, ReviewUpdate, Result } from '../../../shared/api'
import { useClient } from '../../lib/client'
import { focusedRow, type Focus } from './focus'
import type { Listing, RowPages } from './use-row-pages'

/** How long changed lines stay highlighted after a correction. */
const FLASH_MS = 2_500

export interface Review {
  focus: Focus
  /** The focused line as shown now: the row of the focused id where the reviewer chose it (undefined while
   *  it is not among the loaded rows), else the row at the focused position. */
  focusedRow: LineRow | undefined
  /** Where `focusedRow` is in the listing now (the focus's position until the row is found). */
  focusedIndex: number
  editing: boolean
  /** Bumps on every request to edit, so the focused row's text box takes the keyboard again. */
  editRequest: number
  drafts: Map<number, string>
  flashing: Set<number>
  lastUpdate: ReviewUpdate | null
  message: string | null
  panel: 'none' | 'examples' | 'page'
  setPanel(panel: Review['panel']): void
  focusAt(index: number, edit?: boolean): void
  setDraft(lineId: number, text: string): void
  setPageSize(rows: number): void
  onInputKey(e: KeyboardEvent<HTMLInputElement>): void
  onListKey(e: KeyboardEvent<HTMLElement>): void
  save(): Promise<void>
  accept(): Promise<void>
  undo(): Promise<void>
}

export function useReview(listing: Listing, pages: RowPages, focusSearch: () => void): Review {
  const client = useClient()
  const [focus, setFocus] = useState<Focus>({ index: 0, id: null, sticky: false })
  const [editing, setEditingState] = useState(true)
  const [editRequest, setEditRequest] = useState(0)
  const setEditing = (on: boolean) => {
    setEditingState(on)
    if (on) setEditRequest((n) => n + 1)
  }
  const [drafts, setDrafts] = useState(() => new Map<number, string>())
  const [flashing, setFlashing] = useState(() => new Set<number>())
  const [lastUpdate, setLastUpdate] = useState<ReviewUpdate | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [panel, setPanel] = useState<Review['panel']>('none')
  const pageSize = useRef(8)
  const flashTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const total = pages.total ?? 0
  const setPageSize = useCallback((rows: number) => void (pageSize.current = rows), [])

  // A new listing (order, filter, search) starts at its top.
  const listingKey = JSON.stringify(listing)
  useEffect(() => setFocus({ index: 0, id: null, sticky: false }), [listingKey])

  // Keep following the focused line as rows arrive and re-sort.
  useEffect(() => {
    const row = pages.rowAt(focus.index)
    if (focus.id === null || !focus.sticky) {
      if (row && row.id !== focus.id) setFocus({ index: focus.index, id: row.id, sticky: false })
      else if (total > 0 && focus.index >= total) setFocus({ index: total - 1, id: null, sticky: false })
      return
    }
    if (row?.id === focus.id) return
    const at = pages.indexOf(focus.id)
    if (at >= 0) {
      setFocus({ index: at, id: focus.id, sticky: true })
      return
    }
    if (!row) return
    // Not among the loaded pages: ask where it went (it may have left the listing, e.g. "unreviewed").
    let live = true
    void client.call('batch:position', { ...listing, lineId: focus.id }).then((r) => {
      if (!live) return
      setFocus((f) =>
        f.id !== focus.id ? f : r.ok && r.value.index !== null ? { index: r.value.index, id: focus.id, sticky: true } : { index: f.index, id: null, sticky: false },
      )
    })
    return () => {
      live = false
    }
  }, [pages, pages.version, focus, total, client, listing])

  const { row: focused, index: focusedIndex } = focusedRow(focus, pages)

  const focusAt = useCallback(
    (index: number, edit?: boolean) => {
      if (total === 0) return
      const i = Math.max(0, Math.min(total - 1, index))
      const id = pages.rowAt(i)?.id ?? null
      setFocus({ index: i, id, sticky: id !== null })
      if (edit !== undefined) setEditing(edit)
    },
    [pages, total],
  )

  const setDraft = useCallback((lineId: number, text: string) => {
    setDrafts((d) => new Map(d).set(lineId, text))
    // Typing chooses the line: from now on the focus follows it through re-sorts.
    setFocus((f) => (f.id === lineId && !f.sticky ? { ...f, sticky: true } : f))
  }, [])
  const dropDraft = (lineId: number) =>
    setDrafts((d) => {
      if (!d.has(lineId)) return d
      const next = new Map(d)
      next.delete(lineId)
      return next
    })

  function showUpdate(update: ReviewUpdate) {
    setLastUpdate(update)
    setFlashing(new Set(update.changed))
    clearTimeout(flashTimer.current)
    flashTimer.current = setTimeout(() => setFlashing(new Set()), FLASH_MS)
  }

  async function send<K extends 'review:correct' | 'review:accept'>(name: K, input: K extends 'review:correct' ? { lineId: number; text: string } : { lineId: number }) {
    const result = (await client.call(name as ApiName, input as never)) as Result<ReviewUpdate>
    if (result.ok) {
      setMessage(null)
      showUpdate(result.value)
    } else setMessage(result.message)
  }

  const current = () => focused
  const next = () => focusAt(focusedIndex + 1)

  async function save() {
    const row = current()
    if (!row || row.state !== 'read') return next()
    const text = drafts.get(row.id) ?? row.text
    dropDraft(row.id)
    next()
    if (text === row.text) return
    await send('review:correct', { lineId: row.id, text })
  }

  async function accept() {
    const row = current()
    if (!row || row.state !== 'read') return next()
    const draft = drafts.get(row.id)
    dropDraft(row.id)
    next()
    if (draft !== undefined && draft !== row.text) await send('review:correct', { lineId: row.id, text: draft })
    else await send('review:accept', { lineId: row.id })
  }

  async function undo() {
    const result = await client.call('review:undo', { batchId: listing.batchId })
    if (!result.ok) return setMessage(result.message)
    if (!result.value) return setMessage('Nothing to undo.')
    setMessage(null)
    showUpdate(result.value)
    const lineId = result.value.lineId
    dropDraft(lineId)
    const position = await client.call('batch:position', { ...listing, lineId })
    if (position.ok && position.value.index !== null) setFocus({ index: position.value.index, id: lineId, sticky: true })
  }

  function move(e: KeyboardEvent<HTMLElement>, by: number | 'first' | 'last') {
    e.preventDefault()
    focusAt(by === 'first' ? 0 : by === 'last' ? total - 1 : focusedIndex + by)
  }

  function onInputKey(e: KeyboardEvent<HTMLInputElement>) {
    const row = current()
    const mod = e.ctrlKey || e.metaKey
    if (e.key === 'Enter' && mod) return void (e.preventDefault(), accept())
    if (e.key === 'Enter') return void (e.preventDefault(), save())
    if (e.key === 'ArrowDown') return move(e, 1)
    if (e.key === 'ArrowUp') return move(e, -1)
    if (e.key === 'PageDown') return move(e, pageSize.current)
    if (e.key === 'PageUp') return move(e, -pageSize.current)
    if (e.key === 'Escape') {
      e.preventDefault()
      if (row && drafts.has(row.id)) dropDraft(row.id)
      else setEditing(false)
      return
    }
    if (mod && e.key.toLowerCase() === 'z' && !(row && drafts.has(row.id) && drafts.get(row.id) !== row.text)) {
      e.preventDefault()
      return void undo()
    }
    if (panelKey(e)) return
  }

  /** Alt+E examples, Alt+P page: from the text box and from the list alike. */
  function panelKey(e: KeyboardEvent<HTMLElement>): boolean {
    if (!e.altKey || e.ctrlKey || e.metaKey) return false
    const which = e.code === 'KeyE' ? 'examples' : e.code === 'KeyP' ? 'page' : null
    if (!which) return false
    e.preventDefault()
    togglePanel(which)
    return true
  }

  function togglePanel(which: 'examples' | 'page') {
    setPanel((p) => (p === which ? 'none' : which))
  }

  function onListKey(e: KeyboardEvent<HTMLElement>) {
    if (e.target instanceof HTMLInputElement) return
    if (panelKey(e)) return
    const mod = e.ctrlKey || e.metaKey
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        return move(e, 1)
      case 'ArrowUp':
      case 'k':
        return move(e, -1)
      case 'PageDown':
        return move(e, pageSize.current)
      case 'PageUp':
        return move(e, -pageSize.current)
      case 'Home':
        return move(e, 'first')
      case 'End':
        return move(e, 'last')
      case 'Enter':
      case 'F2':
      case 'i':
        e.preventDefault()
        return setEditing(true)
      case 'a':
        e.preventDefault()
        return void accept()
      case 'u':
        e.preventDefault()
        return void undo()
      case 'e':
        e.preventDefault()
        return togglePanel('examples')
      case 'p':
        e.preventDefault()
        return togglePanel('page')
      case '/':
        e.preventDefault()
        return focusSearch()
      case 'Escape':
        e.preventDefault()
        return setPanel('none')
    }
    if (mod && e.key.toLowerCase() === 'z') return void (e.preventDefault(), undo())
    // Any other character starts correcting the focused line with it.
    const row = current()
    if (e.key.length === 1 && !mod && !e.altKey && row?.state === 'read') {
      e.preventDefault()
      setDraft(row.id, (drafts.get(row.id) ?? row.text) + e.key)
      setEditing(true)
    }
  }

  return {
    focus,
    focusedRow: focused,
    focusedIndex,
    editing,
    editRequest,
    drafts,
    flashing,
    lastUpdate,
    message,
    panel,
    setPanel,
    focusAt,
    setDraft,
    setPageSize,
    onInputKey,
    onListKey,
    save,
    accept,
    undo,
  }
}
