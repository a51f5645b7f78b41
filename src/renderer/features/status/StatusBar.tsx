// The header: which engine this page talks to, with what model and execution provider, and whether the
// event stream is connected. Skipped providers show their reasons on hover and when expanded.
import { useState } from 'react'
import type { BatchSummary, EngineStatus } from '../../../shared/api'
import { useConnection, useEvent, useQuery } from '../../lib/client'
import { count } from '../../lib/plural'

export function StatusBar({ batch }: { batch?: BatchSummary }) {
  const { result, refetch } = useQuery('engine:status', {})
  // Detection starts with the first document opened: its provider appears then.
  useEvent('batches:changed', () => result?.ok && !result.value.detection && refetch())
  const connection = useConnection()
  // A save nobody waited on failed (the library's disk is full…): said until the engine says it saves again.
  const [saveTrouble, setSaveTrouble] = useState<string | null>(null)
  useEvent('save:failed', (e) => setSaveTrouble(e.message))
  useEvent('save:recovered', () => setSaveTrouble(null))
  return (
    <header className="status-bar" data-testid="engine-status">
      <h1 className="brand">Lector</h1>
      {result === undefined && <span className="muted">Connecting to the engine…</span>}
      {result?.ok === false && (
        <span className="status-error" role="alert">
          {result.message}
        </span>
      )}
      {result?.ok && <EngineDetails status={result.value} />}
      {saveTrouble && (
        <span className="status-error" role="alert" data-testid="save-trouble">
          {saveTrouble}
        </span>
      )}
      {batch && <PoolInUse batch={batch} />}
      <span className={`connection connection-${connection}`} title="Live updates from the engine">
        {connection === 'open' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </span>
    </header>
  )
}

function EngineDetails({ status }: { status: EngineStatus }) {
  const skipped = status.provider.skipped
  return (
    <dl className="engine-details">
      <div>
        <dt>Model</dt>
        <dd title={`${status.model.id} · ${status.model.alphabetSize} symbols`}>{status.model.name}</dd>
      </div>
      <div>
        <dt>Provider</dt>
        <dd>
          <span className="provider" title={status.detection ? `Recognition on ${status.provider.name}; text detection on ${status.detection.provider}` : undefined}>
            {status.provider.name}
          </span>
          {status.detection && status.detection.provider !== status.provider.name && (
            <span className="muted"> · detection {status.detection.provider}</span>
          )}
          {skipped.length > 0 && (
            <details className="skipped">
              <summary title={skipped.map((s) => `${s.name}: ${s.reason}`).join('\n')}>
                {skipped.length} skipped
              </summary>
              <ul>
                {skipped.map((s) => (
                  <li key={s.name}>
                    <strong>{s.name}</strong>: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </dd>
      </div>
      <div className="library">
        <dt>Library</dt>
        <dd title={status.libraryPath}>
          <span>{status.libraryPath}</span>
        </dd>
      </div>
      <div>
        <dt>Host</dt>
        <dd>
          {status.host} · v{status.version}
        </dd>
      </div>
    </dl>
  )
}

/** The context pool the open batch reads with: its own corrections (shared pools come later). */
function PoolInUse({ batch }: { batch: BatchSummary }) {
  const stats = useQuery('review:stats', { batchId: batch.id })
  useEvent('lines:changed', (c) => c.batchId === batch.id && stats.refetch())
  const value = stats.result?.ok ? stats.result.value : undefined
  return (
    <dl className="engine-details pool">
      <div>
        <dt>Pool</dt>
        <dd data-testid="pool-in-use" title="Corrections of this batch whose frames context reads from">
          this batch · {value ? `${count(value.reviewed, 'line')}, ${count(value.pool.entries, 'frame')}` : '…'}
        </dd>
      </div>
    </dl>
  )
}
