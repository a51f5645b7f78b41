// Open a folder of line images on the engine's machine as a new batch; shows the recognition job's
// progress from `job:progressed` with a Cancel button, and any refusal as a readable message.
import { useState, type FormEvent } from 'react'
import type { BatchSummary } from '../../../shared/api'
import type { EventPayload } from '../../../shared/events'
import { useClient, useEvent } from '../../lib/client'
import { JobProgress } from './JobProgress'

export function OpenFolder({ onOpened }: { onOpened: (batch: BatchSummary) => void }) {
  const client = useClient()
  const [path, setPath] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [job, setJob] = useState<EventPayload<'job:progressed'> | null>(null)

  useEvent('job:progressed', (progress) => {
    // Follow the newest job; a late event from an older job must not replace it.
    setJob((current) => (current && current.jobId !== progress.jobId && current.state === 'running' ? current : progress))
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    const folder = path.trim()
    if (!folder || pending) return
    setPending(true)
    setError(null)
    setJob(null)
    const result = await client.call('batch:openFolder', { path: folder })
    setPending(false)
    if (result.ok) onOpened(result.value)
    else setError(result.message)
  }

  async function browse() {
    const chosen = await client.pickFolder?.()
    if (chosen) setPath(chosen)
  }

  async function cancel(jobId: string) {
    const result = await client.call('job:cancel', { jobId })
    if (!result.ok) setError(result.message)
  }

  return (
    <section className="panel open-folder" aria-labelledby="open-folder-title">
      <h2 id="open-folder-title">Open a folder</h2>
      <form onSubmit={submit}>
        <label htmlFor="folder-path">Folder of line images (on the engine&apos;s machine)</label>
        <div className="folder-row">
          <input
            id="folder-path"
            name="folder-path"
            type="text"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/scans"
            spellCheck={false}
            autoComplete="off"
          />
          {client.pickFolder && (
            <button type="button" onClick={browse} disabled={pending}>
              Browse…
            </button>
          )}
        </div>
        <button type="submit" className="primary" disabled={pending || path.trim() === ''}>
          {pending ? 'Opening…' : 'Open'}
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="open-error">
          {error}
        </p>
      )}
      {job && <JobProgress job={job} onCancel={() => cancel(job.jobId)} />}
    </section>
  )
}
