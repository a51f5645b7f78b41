import type { EventPayload } from '../../../shared/events'
import { count } from '../../lib/plural'

export function JobProgress({ job, onCancel }: { job: EventPayload<'job:progressed'>; onCancel: () => void }) {
  const running = job.state === 'running'
  return (
    <div className={`job job-${job.state}`} data-testid="job-progress" aria-live="polite">
      <progress max={Math.max(job.total, 1)} value={job.done} />
      <div className="job-line">
        <span>
          {job.pages && job.pages.total > 0 && (
            <>
              {job.pages.done} / {count(job.pages.total, 'page')} ·{' '}
            </>
          )}
          {job.done.toLocaleString()} / {count(job.total, 'line')} · {job.linesPerSecond.toFixed(1)} lines/s
          {running && job.linesPerSecond > 0 && job.done < job.total && <> · {timeLeft((job.total - job.done) / job.linesPerSecond)} left</>}
        </span>
        {running && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {!running && <p className="job-state">{describe(job)}</p>}
    </div>
  )
}

function describe(job: EventPayload<'job:progressed'>): string {
  switch (job.state) {
    case 'running':
      return 'Recognising…'
    case 'finished':
      return job.message ?? 'Finished.'
    case 'cancelled':
      return job.message ?? 'Cancelled.'
    case 'failed':
      return `Failed: ${job.message ?? 'unknown error'}`
    default: {
      const unknown: never = job.state
      throw new Error(`unknown job state: ${String(unknown)}`)
    }
  }
}

function timeLeft(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}
