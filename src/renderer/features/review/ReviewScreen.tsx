// The review screen of one batch: what the batch has learnt on top, the list (hardest first by default)
// in the middle, the focused line up close below. Keyboard-first: see use-review.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { BatchSummary, LineFilter, LineOrder } from '../../../shared/api'
import { useEvent, useQuery } from '../../lib/client'
import { ExportDialog } from './ExportDialog'
import { LearningPanel } from './LearningPanel'
import { leftOutNotice } from './left-out'
import { LineDetail } from './LineDetail'
import { ReviewList } from './ReviewList'
import { ScriptsControl } from './ScriptsControl'
import { Toolbar } from './Toolbar'
import { UnreadNotice } from './UnreadNotice'
import { createCropCache } from './use-crop'
import { useReview } from './use-review'
import { useRowPages } from './use-row-pages'

const SEARCH_PAUSE_MS = 150

export function ReviewScreen({ batch }: { batch: BatchSummary }) {
  const [order, setOrder] = useState<LineOrder>('hardest')
  const [filter, setFilter] = useState<LineFilter>('all')
  const [typed, setTyped] = useState('')
  // The listing follows the search box once typing pauses, not on every key.
  const [search, setSearch] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed), SEARCH_PAUSE_MS)
    return () => clearTimeout(timer)
  }, [typed])
  const [exporting, setExporting] = useState(false)
  const closeExport = useCallback(() => setExporting(false), [])
  const searchRef = useRef<HTMLInputElement>(null)
  // Memoised: the hooks below treat a new listing object as a new listing.
  const listing = useMemo(() => ({ batchId: batch.id, order, filter, search }), [batch.id, order, filter, search])
  const pages = useRowPages(listing)
  const focusSearch = useCallback(() => searchRef.current?.focus(), [])
  const review = useReview(listing, pages, focusSearch)
  // Crops never change once cut: the recently shown ones are kept for this batch while the reviewer moves around.
  const [crops] = useState(createCropCache)
  const stats = useQuery('review:stats', { batchId: batch.id })
  useEvent('lines:changed', (c) => c.batchId === batch.id && stats.refetch())
  useEvent('job:progressed', (p) => p.batchId === batch.id && pages.refresh())

  const leftOut = leftOutNotice(batch.skipped)

  return (
    <div className="review" data-testid="review-screen">
      <div className="review-head">
        <div className="review-title">
          <h2 title={batch.source}>{batch.name}</h2>
          <span className="muted small" title={batch.source}>
            {batch.source}
          </span>
          {leftOut && (
            <span className="notice small" data-testid="skipped-files" title={batch.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n')}>
              {leftOut}
            </span>
          )}
          <UnreadNotice batch={batch} />
          <ScriptsControl batch={batch} />
        </div>
        <LearningPanel stats={stats.result?.ok ? stats.result.value : undefined} />
      </div>
      <Toolbar
        order={order}
        filter={filter}
        search={typed}
        total={pages.total}
        narrowed={filter !== 'all' || search.trim() !== ''}
        searchRef={searchRef}
        onOrder={setOrder}
        onFilter={setFilter}
        onSearch={setTyped}
        onSearchDone={review.edit}
        onExport={() => setExporting(true)}
      />
      {pages.error && (
        <p className="form-error pad" role="alert">
          {pages.error}
        </p>
      )}
      {pages.total === 0 && <p className="muted pad">{search || filter !== 'all' ? 'No line matches.' : 'No lines yet.'}</p>}
      <ReviewList pages={pages} review={review} crops={crops} />
      <LineDetail line={review.focusedRow} review={review} crops={crops} />
      {exporting && <ExportDialog batch={batch} onClose={closeExport} />}
    </div>
  )
}
