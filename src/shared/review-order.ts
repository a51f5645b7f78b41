// The hardest-first order the review screen shows and the simulated reviewer's `queue` follows: the line
// most probably wrong first. The probability is the engine's self-evaluation (review/self-check.ts): the
// model's signals calibrated on the batch's own corrections; a line context changed counts as unsure as
// the less sure of its two readings, so a change that is still uncertain floats up for a look.

export interface Rankable {
  /** The probability that the shown text is wrong. */
  wrong: number
  source: 'model' | 'context' | 'human'
}

/** Smaller is harder (shown first). Reviewed lines sink to the end. */
export function hardness(line: Rankable): number {
  if (line.source === 'human') return 2
  return 1 - line.wrong
}
