// The hardest-first order the review screen shows and the simulated reviewer's `queue` follows: lowest
// confidence first; a line context changed counts as unsure as the less sure of its two readings, so a
// change that is still uncertain floats up for a look.

export interface Rankable {
  confidence: number
  modelConfidence: number
  source: 'model' | 'context' | 'human'
}

/** Smaller is harder (shown first). Reviewed lines sink to the end. */
export function hardness(line: Rankable): number {
  if (line.source === 'human') return 2
  if (line.source === 'context') return Math.min(line.confidence, line.modelConfidence)
  return line.confidence
}
