// Open a folder or a file (line images, page scans, PDFs) on the engine's machine as a new batch; shows the recognition job's
// progress from `job:progressed` with a Cancel button, and any refusal as a readable message.
import { useState, type DragEvent, type FormEvent } from 'react'
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
  // A folder or file that was a batch already: that batch, opened again, and the files it does not have.
  const [reopened, setReopened] = useState<BatchSummary | null>(null)

  const [dragging, setDragging] = useState(false)

  useEvent('job:progressed', (progress) => {
    // Exports report progress in their own dialog.
    if (progress.jobId.startsWith('export-')) return
    // Follow the newest job; a late event from an older job must not replace it.
    setJob((current) => (current && current.jobId !== progress.jobId && current.state === 'running' ? current : progress))
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    const folder = path.trim()
    if (!folder || pending) return
    await open(client.call('batch:openPaths', { paths: [folder] }))
  }

  async function open(request: Promise<Awaited<ReturnType<typeof client.call<'batch:openPaths'>>>>) {
    setPending(true)
    setError(null)
    setJob(null)
    setReopened(null)
    const result = await request
    setPending(false)
    if (!result.ok) return setError(result.message)
    if (result.value.reopened) setReopened(result.value)
    onOpened(result.value)
  }

  async function readNew(batch: BatchSummary) {
    setReopened(null)
    const result = await client.call('batch:readNew', { batchId: batch.id })
    if (!result.ok) setError(result.message)
  }

  function drop(event: DragEvent) {
    event.preventDefault()
    setDragging(false)
    if (pending) return
    const paths = client.pathsForFiles?.(event.dataTransfer.files).filter((p) => p !== '') ?? []
    if (paths.length) return void open(client.call('batch:openPaths', { paths }))
    setError(
      client.pathsForFiles
        ? 'Nothing in that drop has a path on this machine: drop files or folders from the file manager.'
        : 'A browser does not tell the engine where dropped files are: type the path of the folder or file on the engine’s machine above.',
    )
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
    <section
      className={dragging ? 'panel open-folder dragging' : 'panel open-folder'}
      aria-labelledby="open-folder-title"
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <h2 id="open-folder-title">Open a batch</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="folder-path">Folder or file: line images, page scans, PDFs (on the engine&apos;s machine)</label>
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
            <button type="button" onClick={() => void browse()} disabled={pending}>
              Browse…
            </button>
          )}
        </div>
        <button type="submit" className="primary" disabled={pending || path.trim() === ''}>
          {pending ? 'Opening…' : 'Open'}
        </button>
      </form>
      <p className="muted small drop-hint">
        {client.pathsForFiles ? 'Or drop files and folders here. ' : 'In the browser, type the path: a dropped folder cannot tell the engine where it is. '}
        Cut line images are read as they are; page scans (PNG, JPEG, WebP, TIFF, BMP, GIF) and PDFs have their lines found
        first.
      </p>
      {error && (
        <p className="form-error" role="alert" data-testid="open-error">
          {error}
        </p>
      )}
      {reopened && (
        <p className="notice small" role="status" data-testid="reopened">
          “{reopened.name}” is a batch already: it is open again, as you left it.
          {reopened.newFiles && reopened.newFiles.length > 0 && (
            <>
              {' '}
              {reopened.newFiles.length} new file{reopened.newFiles.length === 1 ? '' : 's'} since (
              {reopened.newFiles.slice(0, 3).join(', ')}
              {reopened.newFiles.length > 3 ? '…' : ''}).{' '}
              <button type="button" className="link" onClick={() => void readNew(reopened)} data-testid="read-new">
                Read {reopened.newFiles.length === 1 ? 'it' : 'them'} into this batch
              </button>
            </>
          )}
        </p>
      )}
      {job && <JobProgress job={job} onCancel={() => void cancel(job.jobId)} />}
    </section>
  )
}
