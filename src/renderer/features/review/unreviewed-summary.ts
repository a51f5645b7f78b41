// What the learning panel says of the lines not reviewed yet: how sure the engine is of them on average, and
// how many it thinks are still wrong — or nothing, while none of them has been read (a batch just opened:
// "0% sure" and "none probably wrong" would both be false).
import type { ReviewStats } from '../../../shared/api'

export function unreviewedSummary(stats: Pick<ReviewStats, 'read' | 'reviewed' | 'unreviewedConfidence' | 'probablyWrong'>): {
  sure: string
  probablyWrong: string
} {
  if (stats.read <= stats.reviewed) return { sure: '—', probablyWrong: '—' }
  return { sure: `${Math.round(stats.unreviewedConfidence * 100)}% sure`, probablyWrong: probablyWrong(stats.probablyWrong) }
}

/** "about 40 lines", "about 1 line", "none"… as a reviewer reads an estimate. */
function probablyWrong(n: number): string {
  const lines = Math.round(n)
  if (lines === 0) return n > 0 ? 'under 1 line' : 'none'
  return `about ${lines.toLocaleString()} ${lines === 1 ? 'line' : 'lines'}`
}
