// How each correction of the session changed the batch: bars for the lines it changed (left scale),
// a line for the mean confidence of the lines still unreviewed (0–100 %, right scale), and a dashed one
// for the lines probably still wrong (0 to the most the session saw), falling as the reviewer works.
import type { CorrectionEffect } from '../../../shared/api'
import { count } from '../../lib/plural'

const W = 320
const H = 64
const PAD = { left: 26, right: 30, top: 6, bottom: 12 }

export function LearningChart({ history }: { history: CorrectionEffect[] }) {
  if (history.length === 0) {
    return (
      <div className="chart-empty muted" data-testid="learning-chart">
        Each correction will appear here: lines it changed, and how sure the engine is of the rest.
      </div>
    )
  }
  const n = history.length
  const maxChanged = Math.max(1, ...history.map((h) => h.changed))
  const iw = W - PAD.left - PAD.right
  const ih = H - PAD.top - PAD.bottom
  const step = iw / n
  const bar = Math.max(1, Math.min(14, step * 0.7))
  const x = (i: number) => PAD.left + step * i + step / 2
  const yChanged = (v: number) => PAD.top + ih - (v / maxChanged) * ih
  const yConf = (v: number) => PAD.top + ih - v * ih
  const line = history.map((h, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${yConf(h.unreviewedConfidence).toFixed(1)}`).join(' ')
  const lastConf = history[n - 1].unreviewedConfidence
  const maxWrong = Math.max(1, ...history.map((h) => h.probablyWrong))
  const yWrong = (v: number) => PAD.top + ih - (v / maxWrong) * ih
  const wrongLine = history.map((h, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${yWrong(h.probablyWrong).toFixed(1)}`).join(' ')
  const lastWrong = Math.round(history[n - 1].probablyWrong)
  return (
    <svg
      className="learning-chart"
      data-testid="learning-chart"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={`${count(n, 'correction')}; the last changed ${count(history[n - 1].changed, 'line')}; unreviewed lines now ${Math.round(lastConf * 100)}% sure on average, about ${count(lastWrong, 'line')} probably still wrong`}
    >
      <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + ih} y2={PAD.top + ih} className="axis" />
      <text x={PAD.left - 4} y={PAD.top + 8} className="tick" textAnchor="end">
        {maxChanged}
      </text>
      <text x={PAD.left - 4} y={PAD.top + ih} className="tick" textAnchor="end">
        0
      </text>
      <text x={W - PAD.right + 4} y={yConf(lastConf) + 3} className="tick conf">
        {Math.round(lastConf * 100)}%
      </text>
      {history.map((h, i) => (
        <rect
          key={i}
          className={h.kind === 'undo' ? 'bar undo' : 'bar'}
          x={x(i) - bar / 2}
          width={bar}
          y={yChanged(h.changed)}
          height={Math.max(0, PAD.top + ih - yChanged(h.changed))}
        >
          <title>{`#${i + 1} ${h.kind}: ${count(h.changed, 'line')} changed in ${h.updateMs} ms; context ${h.trust > 0 ? 'on' : 'off'}; unreviewed ${Math.round(h.unreviewedConfidence * 100)}% sure, about ${Math.round(h.probablyWrong)} probably wrong${h.effort ? `; you typed ${h.effort.shown} characters (the model's reading needed ${h.effort.model})` : ''}`}</title>
        </rect>
      ))}
      <path d={line} className="conf-line" />
      <path d={wrongLine} className="wrong-line" data-testid="chart-probably-wrong" />
      <text x={W - PAD.right + 4} y={yWrong(history[n - 1].probablyWrong) + 3} className="tick wrong">
        ~{lastWrong}
      </text>
      <text x={PAD.left} y={H - 1} className="tick">
        corrections →
      </text>
    </svg>
  )
}
