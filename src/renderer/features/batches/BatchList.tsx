// The library's batches, newest first as the engine returns them (the App refetches on `batches:changed`).
import type { BatchSummary, Result } from '../../../shared/api'
import { count } from '../../lib/plural'

export function BatchList({
  result,
  selectedId,
  onSelect,
}: {
  result: Result<BatchSummary[]> | undefined
  selectedId: number | null
  onSelect: (id: number) => void
}) {
  return (
    <section className="panel batches" aria-labelledby="batches-title">
      <h2 id="batches-title">Batches</h2>
      {result === undefined && <p className="muted">Loading…</p>}
      {result?.ok === false && (
        <p className="form-error" role="alert">
          {result.message}
        </p>
      )}
      {result?.ok && result.value.length === 0 && <p className="muted">No batches yet.</p>}
      {result?.ok && result.value.length > 0 && (
        <ul className="batch-list">
          {result.value.map((batch) => (
            <li key={batch.id}>
              <button
                type="button"
                className="batch"
                aria-current={batch.id === selectedId ? 'true' : undefined}
                onClick={() => onSelect(batch.id)}
                title={batch.source}
                data-testid="batch-item"
              >
                <span className="batch-name">{batch.name}</span>
                <span className="batch-meta">
                  {/* The same count as the review screen's header: lines less those marked not text. */}
                  {batch.doneCount < batch.lineCount
                    ? `${batch.doneCount.toLocaleString()} of ${count(batch.lineCount, 'line')} read`
                    : count(batch.lineCount - (batch.notTextCount ?? 0), 'line')}
                  {batch.errorCount > 0 && <span className="batch-errors"> · {batch.errorCount} unreadable</span>}
                  {batch.readingStopped && (
                    <span className="batch-errors" title={batch.readingStopped}>
                      {' '}
                      · reading stopped (it could not be saved)
                    </span>
                  )}
                  {' · '}
                  {formatDate(batch.createdAt)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function formatDate(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
