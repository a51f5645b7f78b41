// Order, filter and search of the review list, and the export button.
import type { RefObject } from 'react'
import type { LineFilter, LineOrder } from '../../../shared/api'
import { count } from '../../lib/plural'

const FILTERS: Array<{ value: LineFilter; label: string }> = [
  { value: 'all', label: 'All lines' },
  { value: 'unreviewed', label: 'Unreviewed' },
  { value: 'corrected', label: 'Reviewed' },
  { value: 'context', label: 'Changed by context' },
  { value: 'not-text', label: 'Not text' },
]

export function Toolbar(props: {
  order: LineOrder
  filter: LineFilter
  search: string
  total: number | null
  /** Whether a filter or a search narrows the listing: its count is shown then (the header counts the batch). */
  narrowed: boolean
  searchRef: RefObject<HTMLInputElement | null>
  onOrder: (order: LineOrder) => void
  onFilter: (filter: LineFilter) => void
  onSearch: (search: string) => void
  /** Enter in the search box: back to the lines. */
  onSearchDone: () => void
  onExport: () => void
}) {
  return (
    <div className="review-toolbar" role="toolbar" aria-label="List options">
      <div className="segmented" role="group" aria-label="Order">
        <button type="button" aria-pressed={props.order === 'hardest'} onClick={() => props.onOrder('hardest')} data-testid="order-hardest">
          Hardest first
        </button>
        <button type="button" aria-pressed={props.order === 'document'} onClick={() => props.onOrder('document')} data-testid="order-document">
          Document order
        </button>
      </div>
      <label className="visually-hidden" htmlFor="line-filter">
        Show
      </label>
      <select id="line-filter" value={props.filter} onChange={(e) => props.onFilter(e.target.value as LineFilter)} data-testid="line-filter">
        {FILTERS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <input
        ref={props.searchRef}
        type="search"
        className="search"
        placeholder="Search text  /"
        aria-label="Search the text of the lines"
        value={props.search}
        onChange={(e) => props.onSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return
          e.preventDefault()
          props.onSearchDone()
        }}
        data-testid="line-search"
      />
      <span className="muted listing-count" data-testid="listing-count">
        {props.total === null || !props.narrowed ? '' : `${count(props.total, 'line')} shown`}
      </span>
      <button type="button" onClick={props.onExport} data-testid="export-open">
        Export…
      </button>
    </div>
  )
}
