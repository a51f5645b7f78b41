// The learning curve: characters the reviewer typed per corrected line, by tenths of the session's
// corrections — as shown (context's reading) and as the model alone read them (effort-curve.ts).
import type { CorrectionEffect } from '../../../shared/api'
import { effortCurve } from './effort-curve'

const W = 320
const H = 56
const PAD = { left: 26, right: 30, top: 6, bottom: 12 }

export function EffortChart({ history }: { history: CorrectionEffect[] }) {
  const curve = effortCurve(history)
  if (curve.length < 2) return null
  const max = Math.max(1, ...curve.map((p) => Math.max(p.shown, p.model)))
  const iw = W - PAD.left - PAD.right
  const ih = H - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (iw * i) / (curve.length - 1)
  const y = (v: number) => PAD.top + ih - (v / max) * ih
  const path = (pick: (p: (typeof curve)[number]) => number) => curve.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ')
  const last = curve[curve.length - 1]
  const saved = last.model > 0 ? Math.round((100 * (last.model - last.shown)) / last.model) : 0
  return (
    <svg
      className="effort-chart"
      data-testid="effort-chart"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={`Learning curve: characters typed per corrected line fell from ${curve[0].shown.toFixed(1)} to ${last.shown.toFixed(1)}; the model alone would have needed ${last.model.toFixed(1)} (context saves ${saved}%)`}
    >
      <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + ih} y2={PAD.top + ih} className="axis" />
      <text x={PAD.left - 4} y={PAD.top + 8} className="tick" textAnchor="end">
        {max.toFixed(max < 10 ? 1 : 0)}
      </text>
      <path d={path((p) => p.model)} className="effort-model" />
      <path d={path((p) => p.shown)} className="effort-shown" />
      <text x={W - PAD.right + 4} y={y(last.shown) + 3} className="tick conf">
        {`−${saved}%`}
      </text>
      <text x={PAD.left} y={H - 1} className="tick">
        characters typed per line, by tenths →
      </text>
    </svg>
  )
}
