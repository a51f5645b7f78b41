// Which way up a line is, when the detector could not tell: read each way, keep the surest reading.
//
// The direction classifier (PaddleOCR's 0/180 model) is confidently wrong on short lines and small print:
// on upright forms-dev pages, every one of the 32 lines (of 2,392 matched on 50 pages) it turned against
// its page with P(180) ≥ 0.9 was upside down after ("TO:" read ":01", "PERMIT" read "RR"), and each was
// read with more confidence the page's way up; on sroie-dev, 13 of 13, two of them by less than 0.03 ("6"
// and "9", "*"). A box taller than wide is turned 90° by PaddleOCR's rule, right for vertical text (Bates
// numbers in a form's margin) and wrong for one or two characters in a tall box ("5", "1", "("). So both
// doubts are left to the recognizer: a line is cut the page's way up (and a tall box turned) unless
// another way reads clearly more confidently.
import type { DetectedLine } from '../pages/types'

/** How much more confidently another way up must read to be taken: a symmetric line ("*", "6"/"9",
 *  "on"/"uo") reads about as well either way, and is then the page's way up. */
const CLEARLY_BETTER = 0.05

/** Reads crops (PNG): a confidence per crop, in order (0 for one that cannot be read). */
export type ReadConfidence = (crops: Buffer[]) => Promise<number[]>

/** The lines with each doubtful one cut the way it reads best; no line keeps alternatives. */
export async function settleOrientation(lines: DetectedLine[], read: ReadConfidence): Promise<DetectedLine[]> {
  const doubtful = lines.filter((l) => l.alternatives?.length)
  if (!doubtful.length) return lines.map(withoutAlternatives)
  const crops = doubtful.flatMap((l) => [l.crop, ...l.alternatives!.map((a) => a.crop)])
  const confidences = await read(crops)
  const chosen = new Map<DetectedLine, DetectedLine>()
  let at = 0
  for (const line of doubtful) {
    const cuts = [line, ...line.alternatives!]
    let best = 0
    cuts.forEach((_, i) => {
      if (confidences[at + i] > confidences[at + best] + (best === 0 ? CLEARLY_BETTER : 0)) best = i
    })
    at += cuts.length
    const { quad, crop, width, height, rotation } = cuts[best]
    chosen.set(line, { quad, crop, width, height, rotation, score: line.score, contrast: line.contrast })
  }
  return lines.map((l) => chosen.get(l) ?? withoutAlternatives(l))
}

function withoutAlternatives(line: DetectedLine): DetectedLine {
  if (!line.alternatives) return line
  const { alternatives: _, ...rest } = line
  return rest
}
