// The rows of one listing (batch × order × filter × search), fetched a page at a time as the virtual
// list asks for them; the renderer never holds more than the pages near the viewport. When lines change
// (a correction, context, recognition) the pages in view are fetched again, coalesced, stale replies dropped.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { LineFilter, LineOrder, LineRow } from '../../../shared/api'
import { useClient, useEvent } from '../../lib/client'

export const PAGE_SIZE = 100
/** Pages kept beyond those in view: scrolling back a little does not refetch. */
const KEPT_PAGES = 12
const REFETCH_DEBOUNCE_MS = 50

export interface Listing {
  batchId: number
  order: LineOrder
  filter: LineFilter
  search: string
}

/** One listing's rows as the screen sees them: a new object only when rows arrive (or the total or the
 *  error change), so hooks may depend on it; `rowAt`, `indexOf`, `want` and `refresh` never change. */
export interface RowPages {
  /** Lines in the listing; null until the first page arrives. */
  total: number | null
  error: string | null
  rowAt(index: number): LineRow | undefined
  /** Where a line is among the loaded pages, or -1. */
  indexOf(lineId: number): number
  /** Asks for the pages covering [start, end] (the virtual list's visible range). */
  want(start: number, end: number): void
  /** Fetches the pages in view again (after a change). */
  refresh(): void
  /** Bumps whenever rows arrive, so dependants re-render. */
  version: number
}

export function useRowPages(listing: Listing): RowPages {
  const client = useClient()
  const key = JSON.stringify(listing)
  const pages = useRef(new Map<number, LineRow[]>())
  const inFlight = useRef(new Map<number, number>())
  const sequence = useRef(0)
  const visible = useRef<[number, number]>([0, 0])
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const [total, setTotal] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)

  const fetchPage = useCallback(
    (page: number, seq: number) => {
      inFlight.current.set(page, seq)
      const input = { ...(JSON.parse(key) as Listing), offset: page * PAGE_SIZE, limit: PAGE_SIZE }
      void client.call('batch:lines', input).then((result) => {
        if (inFlight.current.get(page) !== seq) return
        inFlight.current.delete(page)
        if (!result.ok) {
          setError(result.message)
          return
        }
        setError(null)
        pages.current.set(page, result.value.rows)
        setTotal(result.value.total)
        setVersion((v) => v + 1)
      })
    },
    [client, key],
  )

  const pagesInView = () => {
    const [start, end] = visible.current
    const first = Math.floor(start / PAGE_SIZE)
    const last = Math.floor(Math.max(start, end) / PAGE_SIZE)
    return Array.from({ length: last - first + 1 }, (_, i) => first + i)
  }

  // A new listing starts empty, from the top.
  useEffect(() => {
    pages.current = new Map()
    inFlight.current = new Map()
    setTotal(null)
    setError(null)
    visible.current = [0, 0]
    fetchPage(0, ++sequence.current)
    return () => clearTimeout(timer.current)
  }, [fetchPage])

  const want = useCallback(
    (start: number, end: number) => {
      visible.current = [start, end]
      const seq = sequence.current
      for (const page of pagesInView()) if (!pages.current.has(page) && !inFlight.current.has(page)) fetchPage(page, seq)
      if (pages.current.size > KEPT_PAGES) {
        const keep = new Set(pagesInView())
        for (const page of pages.current.keys()) if (!keep.has(page) && pages.current.size > KEPT_PAGES) pages.current.delete(page)
      }
    },
    [fetchPage],
  )

  const refresh = useCallback(() => {
    if (timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      const seq = ++sequence.current
      const keep = new Set(pagesInView())
      // Pages out of view are stale now; dropping them means they are fetched fresh when scrolled to.
      for (const page of [...pages.current.keys()]) if (!keep.has(page)) pages.current.delete(page)
      for (const page of keep) fetchPage(page, seq)
    }, REFETCH_DEBOUNCE_MS)
  }, [fetchPage])

  useEvent('lines:changed', (change) => {
    if (change.batchId === listing.batchId) refresh()
  })

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], [])
  const indexOf = useCallback((lineId: number) => {
    for (const [page, rows] of pages.current) {
      const at = rows.findIndex((r) => r.id === lineId)
      if (at >= 0) return page * PAGE_SIZE + at
    }
    return -1
  }, [])

  return useMemo(() => ({ total, error, version, want, refresh, rowAt, indexOf }), [total, error, version, want, refresh, rowAt, indexOf])
}
