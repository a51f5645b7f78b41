// Export the batch as the reviewer left it: CSV (optionally with a byte-order mark for spreadsheet
// apps) or JSON, to a file on the engine's machine (Electron: the save dialog), or — in the browser
// shell — downloaded through the bridge. The file goes to the folder the reviewer last exported to, else
// the engine's export folder beside the library: never, unless the reviewer says so, among the scans. Shows the engine's progress. Modal: the keyboard stays in it
// while it is open (Tab cycles, Esc closes) and goes back to where it was when it closes.
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { BatchSummary, ExportFormat } from '../../../shared/api'
import type { EventPayload } from '../../../shared/events'
import { useClient, useEvent, useQuery } from '../../lib/client'
import { useFocusTrap } from '../../lib/focus-trap'
import { count } from '../../lib/plural'
import { amongScans, defaultPath, rememberFolder } from './export-path'

export function ExportDialog({ batch, onClose }: { batch: BatchSummary; onClose: () => void }) {
  const client = useClient()
  const [format, setFormat] = useState<ExportFormat>('csv')
  const [bom, setBom] = useState(false)
  const status = useQuery('engine:status', {})
  const exportFolder = status.result?.ok ? status.result.value.exportFolder : undefined
  const [path, setPath] = useState('')
  // The default waits for the engine to say where its export folder is; what the reviewer typed stays.
  useEffect(() => setPath((p) => p || defaultPath(batch, 'csv', exportFolder)), [batch, exportFolder])
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The file there already, once the engine said so: replaced only when the reviewer confirms. A path
  // chosen in the save dialog was confirmed there.
  const [replace, setReplace] = useState<string | null>(null)
  const confirmed = useRef<string | null>(null)
  const [progress, setProgress] = useState<EventPayload<'job:progressed'> | null>(null)
  const jobId = useRef('')
  const dialog = useRef<HTMLFormElement>(null)
  useFocusTrap(dialog)

  useEvent('job:progressed', (p) => {
    if (p.jobId === jobId.current || (busy && p.batchId === batch.id && p.jobId.startsWith('export-'))) setProgress(p)
  })

  // Esc closes the dialog wherever the focus is (a download moves it out of the form).
  useEffect(() => {
    const close = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', close)
    return () => window.removeEventListener('keydown', close)
  }, [onClose])

  function choose(next: ExportFormat) {
    setFormat(next)
    setPath((p) => p.replace(/\.(csv|json)$/i, `.${next}`))
  }

  async function save(event?: FormEvent, overwrite = false) {
    event?.preventDefault()
    if (busy) return
    const target = path.trim()
    setBusy(true)
    setError(null)
    setDone(null)
    setReplace(null)
    jobId.current = `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const result = await client.call('batch:export', {
      batchId: batch.id,
      format,
      path: target,
      bom,
      overwrite: overwrite || confirmed.current === target,
      jobId: jobId.current,
    })
    setBusy(false)
    if (result.ok) {
      setDone(`Wrote ${count(result.value.lines, 'line')} (${kb(result.value.bytes)}) to ${result.value.path} in ${(result.value.ms / 1000).toFixed(1)} s.`)
      rememberFolder(result.value.path)
    } else if (result.code === 'exists') setReplace(target)
    else setError(result.message)
  }

  async function saveAs() {
    const chosen = await client.pickSaveFile?.(path.split(/[\\/]/).pop() ?? `${batch.name}.${format}`)
    if (chosen) {
      confirmed.current = chosen
      setPath(chosen)
    }
  }

  async function download() {
    if (!client.download) return
    setBusy(true)
    setError(null)
    const result = await client.download(batch.id, format, bom)
    setBusy(false)
    if (result.ok) setDone(`Downloaded ${kb(result.value.bytes)}.`)
    else setError(result.message)
  }

  return (
    <div className="dialog-backdrop">
      <form ref={dialog} className="dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" onSubmit={(e) => void save(e)} data-testid="export-dialog">
        <h2 id="export-title">Export “{batch.name}”</h2>
        <p className="muted small">
          One row per line: file, page, line, text, status, confidence and the model&apos;s own text. Cells that would start a formula are
          prefixed with an apostrophe; plain numbers stay numbers.
        </p>
        <fieldset className="formats">
          <legend>Format</legend>
          <label>
            <input type="radio" name="format" checked={format === 'csv'} onChange={() => choose('csv')} /> CSV
          </label>
          <label>
            <input type="radio" name="format" checked={format === 'json'} onChange={() => choose('json')} /> JSON
          </label>
          <label title="Excel and other spreadsheet apps then read the file as UTF-8">
            <input type="checkbox" checked={bom} disabled={format !== 'csv'} onChange={(e) => setBom(e.target.checked)} data-testid="export-bom" /> UTF-8
            byte-order mark (for spreadsheets)
          </label>
        </fieldset>
        <label htmlFor="export-path">File on the engine&apos;s machine</label>
        <div className="folder-row">
          <input id="export-path" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} autoFocus data-testid="export-path" />
          {client.pickSaveFile && (
            <button type="button" onClick={() => void saveAs()} disabled={busy}>
              Choose…
            </button>
          )}
        </div>
        {amongScans(path, batch.source) && (
          <p className="notice small" data-testid="export-among-scans">
            This is the batch&apos;s scanned folder: the export will sit among the scans (it is not read as one when the folder is opened again).
          </p>
        )}
        {progress && (busy || progress.state !== 'running') && (
          <div className="job" data-testid="export-progress">
            <progress max={Math.max(1, progress.total)} value={progress.done} />
            <span className="small">
              {progress.done.toLocaleString()} / {count(progress.total, 'line')}
            </span>
          </div>
        )}
        {done && (
          <p className="ok" role="status" data-testid="export-done">
            {done}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="export-error">
            {error}
          </p>
        )}
        {replace !== null && replace === path.trim() && (
          <div className="form-error" role="alert" data-testid="export-replace">
            <p>{replace} is there already. Replace it?</p>
            <button type="button" onClick={() => void save(undefined, true)} disabled={busy} data-testid="export-replace-confirm">
              Replace
            </button>{' '}
            <button type="button" onClick={() => setReplace(null)}>
              Keep it
            </button>
          </div>
        )}
        <div className="dialog-actions">
          {client.download && (
            <button type="button" onClick={() => void download()} disabled={busy} data-testid="export-download">
              Download
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || !path.trim()} data-testid="export-save">
            {busy ? 'Exporting…' : 'Save'}
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </div>
  )
}

function kb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
