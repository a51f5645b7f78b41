// Shown when some of a batch's lines were never read and nothing is reading them: the reviewer cancelled
// recognition, or the library's disk refused it (it then carries on by itself once there is room; the
// engine's words say so). Recognition cut short by a crash or a quit resumes by itself when the app starts.
import { useState } from 'react'
import type { BatchSummary } from '../../../shared/api'
import { useClient } from '../../lib/client'

export function UnreadNotice({ batch }: { batch: BatchSummary }) {
  const client = useClient()
  const [error, setError] = useState<string | null>(null)
  const unread = batch.lineCount - batch.doneCount
  if (unread <= 0 || batch.jobId) return null
  return (
    <span className="notice small" data-testid="unread-notice" role={batch.readingStopped ? 'alert' : undefined}>
      {batch.readingStopped ?? `${unread} line${unread === 1 ? ' was' : 's were'} not read (recognition was cancelled).`}{' '}
      <button
        type="button"
        className="link"
        onClick={() => void client.call('batch:resume', { batchId: batch.id }).then((result) => setError(result.ok ? null : result.message))}
      >
        Read {unread === 1 ? 'it' : 'them'} now
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  )
}
