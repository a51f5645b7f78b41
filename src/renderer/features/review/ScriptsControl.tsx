// The scripts the batch is read in (Latin, CJK…): proposed by the engine from the first readings, chosen
// here. A change reads every line of the batch again in the chosen scripts (from what the model kept of
// each line: no model run), so characters of the other scripts are no longer read at all.
import { useState } from 'react'
import type { BatchSummary, ScriptName } from '../../../shared/api'
import { useClient, useEvent, useQuery } from '../../lib/client'

const NAMES: Record<ScriptName, string> = { latin: 'Latin', cjk: 'CJK', greek: 'Greek', cyrillic: 'Cyrillic' }

export function ScriptsControl({ batch }: { batch: BatchSummary }) {
  const client = useClient()
  const query = useQuery('batch:scripts', { batchId: batch.id })
  useEvent('batches:changed', (c) => c.ids.includes(batch.id) && query.refetch())
  const [open, setOpen] = useState(false)
  const [picked, setPicked] = useState<ScriptName[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const value = query.result?.ok ? query.result.value : undefined
  if (!value) return null
  const current = value.scripts
  const label = current ? current.map((s) => NAMES[s]).join(' + ') : 'all (not yet proposed)'

  async function apply() {
    setBusy(true)
    setError(null)
    const result = await client.call('batch:setScripts', { batchId: batch.id, scripts: picked })
    setBusy(false)
    if (!result.ok) return setError(result.message)
    setOpen(false)
    query.refetch()
  }

  return (
    <span className="scripts small" data-testid="scripts">
      <span className="muted">Scripts: </span>
      <button
        type="button"
        className="link"
        aria-expanded={open}
        title={value.chosen ? 'Chosen by you' : 'Proposed from the first lines read: choose others if the batch has them'}
        onClick={() => {
          setPicked(current ?? value.available)
          setOpen((o) => !o)
        }}
        data-testid="scripts-open"
      >
        {label}
        {current && !value.chosen && <span className="muted"> (proposed)</span>}
      </button>
      {open && (
        <span className="scripts-pick" role="group" aria-label="Scripts of this batch">
          {value.available.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={picked.includes(s)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, s] : p.filter((x) => x !== s)))}
                data-testid={`script-${s}`}
              />{' '}
              {NAMES[s]}
            </label>
          ))}
          <button type="button" disabled={busy || picked.length === 0} onClick={() => void apply()} data-testid="scripts-apply">
            {busy ? 'Reading again…' : 'Read in these'}
          </button>
          {error && <span role="alert"> {error}</span>}
        </span>
      )}
    </span>
  )
}
