// The recognised lines of one batch, a page at a time: the engine holds the rows, this holds one page.
// Refetches the page when its lines change or the batch grows (recognition still running).
import { useEffect, useRef, useState } from 'react'
import type { BatchSummary, LinePage } from '../../../shared/api'
import { useEvent, useQuery } from '../../lib/client'
import { LineRowView } from './LineRowView'

/** Rows per page: enough to scroll through, small enough that a refetch is instant. */
export const LINES_PER_PAGE = 100

export function LinesView({ batch }: { batch: BatchSummary }) {
  const batchId = batch.id
  const [offset, setOffset] = useState(0)
  const { result, refetch } = useQuery('batch:lines', { batchId, offset, limit: LINES_PER_PAGE })
  // Crops never change once cut: keep them for this batch while the user pages back and forth.
  const [crops] = useState(() => new Map<number, string>())

  useEvent('lines:changed', (change) => {
    if (change.batchId === batchId) refetch()
  })
  useEvent('batches:changed', (change) => {
    if (change.ids.includes(batchId)) refetch()
  })
  useEvent('job:progressed', (progress) => {
    if (progress.batchId === batchId) refetch()
  })

  return (
    <div className="lines">
      <div className="lines-heading">
        <h2 title={batch.source}>{batch.name}</h2>
        <span className="muted" title={batch.source}>
          {batch.source}
        </span>
      </div>
      {batch.skippedFiles.length > 0 && (
        <p className="notice" data-testid="skipped-files">
          Left out {batch.skippedFiles.length === 1 ? '1 file that is' : `${batch.skippedFiles.length} files that are`} not
          an image: {batch.skippedFiles.join(', ')}
        </p>
      )}
      {result === undefined && <p className="muted pad">Loading lines…</p>}
      {result?.ok === false && (
        <p className="form-error pad" role="alert">
          {result.message}
        </p>
      )}
      {result?.ok && <Page page={result.value} offset={offset} setOffset={setOffset} crops={crops} batch={batch} />}
    </div>
  )
}

function Page({
  page,
  offset,
  setOffset,
  crops,
  batch,
}: {
  page: LinePage
  offset: number
  setOffset: (offset: number) => void
  crops: Map<number, string>
  batch: BatchSummary
}) {
  const { total, rows } = page
  const list = useRef<HTMLOListElement>(null)
  // A new page starts at its top, not where the previous one was scrolled to.
  useEffect(() => {
    list.current?.scrollTo({ top: 0 })
  }, [offset])
  const first = total === 0 ? 0 : offset + 1
  const last = offset + rows.length
  return (
    <>
      <div className="lines-toolbar">
        <span data-testid="lines-range">
          {total === 0 ? 'No lines yet' : `Lines ${first}–${last} of ${total}`}
          {batch.errorCount > 0 && <span className="batch-errors"> · {batch.errorCount} unreadable</span>}
        </span>
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LINES_PER_PAGE))}>
            ← Previous
          </button>
          <button type="button" disabled={last >= total} onClick={() => setOffset(offset + LINES_PER_PAGE)}>
            Next →
          </button>
        </div>
      </div>
      <ol className="line-list" aria-label="Recognised lines" ref={list}>
        {rows.map((line, i) => (
          <LineRowView
            key={line.id}
            line={line}
            position={offset + i + 1}
            crops={crops}
            reading={batch.jobId !== null}
          />
        ))}
      </ol>
    </>
  )
}
