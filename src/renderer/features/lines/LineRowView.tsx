// One recognised line: its crop (fetched only once the row is near the viewport), the text, and the
// model's confidence. A line that could not be read shows why, in place of the text.
import { useEffect, useRef, useState } from 'react'
import type { LineRow } from '../../../shared/api'
import { useClient } from '../../lib/client'
import { useSeen } from '../../lib/use-in-view'

/** Below this the confidence is highlighted: these are the lines worth a reviewer's look first. */
const LOW_CONFIDENCE = 0.8

export function LineRowView({
  line,
  position,
  crops,
  reading,
}: {
  line: LineRow
  position: number
  crops: Map<number, string>
  /** Whether a recognition job is running for the batch, so a pending line is about to be read. */
  reading: boolean
}) {
  const ref = useRef<HTMLLIElement>(null)
  const seen = useSeen(ref)
  const failed = line.state === 'failed'
  const crop = useCrop(line.id, seen && !failed, crops)
  const shown = displayText(line, reading)

  return (
    <li
      ref={ref}
      className={failed ? 'line-row has-error' : 'line-row'}
      data-testid="line-row"
      data-state={line.state}
      data-line-id={line.id}
    >
      <span className="line-position">{position}</span>
      <div className="line-crop">
        {crop.src ? (
          <img src={crop.src} alt={`Line ${position} as scanned`} draggable={false} />
        ) : (
          <span className="crop-placeholder" title={crop.error ?? undefined}>
            {crop.error ? 'no image' : ''}
          </span>
        )}
      </div>
      <div className="line-body">
        <div className={`line-text line-${line.state}`} data-testid="line-text" title={shown}>
          {shown}
        </div>
        <div className="line-file" data-testid="line-file" title={line.file}>
          {basename(line.file)}
        </div>
      </div>
      <span
        className={line.state === 'read' && line.confidence < LOW_CONFIDENCE ? 'line-confidence low' : 'line-confidence'}
        title="Model confidence"
      >
        {line.state === 'read' ? `${Math.round(line.confidence * 100)}%` : '—'}
      </span>
    </li>
  )
}

function useCrop(lineId: number, wanted: boolean, cache: Map<number, string>): { src?: string; error?: string } {
  const client = useClient()
  const [state, setState] = useState<{ src?: string; error?: string }>(() => ({ src: cache.get(lineId) }))
  useEffect(() => {
    if (!wanted || state.src || state.error) return
    let live = true
    void client.call('line:crop', { lineId }).then((result) => {
      if (!live) return
      if (result.ok) {
        cache.set(lineId, result.value.dataUrl)
        setState({ src: result.value.dataUrl })
      } else {
        setState({ error: result.message })
      }
    })
    return () => {
      live = false
    }
  }, [client, lineId, wanted, cache, state.src, state.error])
  return state
}

function displayText(line: LineRow, reading: boolean): string {
  switch (line.state) {
    case 'read':
      return line.text
    case 'failed':
      return line.error ?? 'Could not be read.'
    case 'pending':
      return reading ? 'Reading…' : 'Not read: recognition was stopped.'
    default: {
      const unknown: never = line.state
      throw new Error(`unknown line state: ${String(unknown)}`)
    }
  }
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || path
}
