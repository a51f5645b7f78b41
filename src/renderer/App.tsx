// Engine status on top; open a folder and pick a batch on the left; the batch's review screen on the right.
import { useState } from 'react'
import type { BatchSummary } from '../shared/api'
import { BatchList } from './features/batches/BatchList'
import { OpenFolder } from './features/open-folder/OpenFolder'
import { ReviewScreen } from './features/review/ReviewScreen'
import { StatusBar } from './features/status/StatusBar'
import { useEvent, useQuery } from './lib/client'

export function App() {
  const [selectedId, setSelectedId] = useState<number | null>(null)
  // The summary openFolder returned, shown until the refreshed list includes the new batch.
  const [opened, setOpened] = useState<BatchSummary | null>(null)
  const batches = useQuery('batch:list', {})
  useEvent('batches:changed', batches.refetch)
  // Progress changes the counts in the summaries (read so far, unreadable); refetches are coalesced.
  useEvent('job:progressed', batches.refetch)

  const listed = batches.result?.ok ? batches.result.value.find((b) => b.id === selectedId) : undefined
  const selected = listed ?? (opened?.id === selectedId ? opened : undefined)

  return (
    <div className="app">
      <StatusBar batch={selected} />
      <aside className="sidebar">
        <OpenFolder
          onOpened={(batch) => {
            setOpened(batch)
            setSelectedId(batch.id)
          }}
        />
        <BatchList result={batches.result} selectedId={selectedId} onSelect={setSelectedId} />
      </aside>
      <main className="content">
        {selected === undefined ? (
          <div className="empty">
            <p>Open a folder or file — line images, page scans or PDFs — or pick a batch, to review what the model read.</p>
          </div>
        ) : (
          // Keyed by batch so paging, focus and cached crops start fresh for each batch.
          <ReviewScreen key={selected.id} batch={selected} />
        )}
      </main>
    </div>
  )
}
