// A line's text with its doubtful characters marked (per-character confidence below LOW_CHAR), and the
// before/after of a change as a character diff.
import type { LineRow } from '../../../shared/api'
import { diffChars, visibleChange } from './diff'

/** A character the model (or context) is less sure of than this is underlined for a second look. */
export const LOW_CHAR = 0.75

export function ConfidenceText({ line }: { line: LineRow }) {
  const chars = Array.from(line.text)
  const conf = line.charConfidences
  if (line.source === 'human' || conf.length !== chars.length || !conf.some((c) => c < LOW_CHAR)) {
    return <>{line.text || '\u00a0'}</>
  }
  // Runs of sure and unsure characters, so a long line is a handful of spans, not one per character.
  const runs: Array<{ low: boolean; text: string; min: number }> = []
  chars.forEach((ch, i) => {
    const low = conf[i] < LOW_CHAR
    const last = runs[runs.length - 1]
    if (last && last.low === low) {
      last.text += ch
      last.min = Math.min(last.min, conf[i])
    } else runs.push({ low, text: ch, min: conf[i] })
  })
  return (
    <>
      {runs.map((r, i) =>
        r.low ? (
          <mark key={i} className="low-char" title={`confidence ${Math.round(r.min * 100)}%`} data-testid="low-char">
            {r.text}
          </mark>
        ) : (
          <span key={i}>{r.text}</span>
        ),
      )}
    </>
  )
}

export function ChangeDiff({ before, after }: { before: string; after: string }) {
  return (
    <span className="diff" data-testid="line-diff">
      {diffChars(before, after).map((p, i) =>
        p.kind === 'same' ? (
          <span key={i}>{p.text}</span>
        ) : p.kind === 'removed' ? (
          <del key={i} title={p.text.trim() ? undefined : 'a space removed'}>
            {visibleChange(p.text)}
          </del>
        ) : (
          <ins key={i} title={p.text.trim() ? undefined : 'a space added'}>
            {visibleChange(p.text)}
          </ins>
        ),
      )}
    </span>
  )
}
