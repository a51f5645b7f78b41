// Likely junk: a detected "line" that is probably no text at all — a speck, a rule, a stamp's smudge, a
// checkbox read as a letter. Such lines go to a group of their own at the end of the hardest-first order
// (the lowest confidences are theirs, so they opened the list: 10 of the first 19 lines of a batch of
// receipts and forms in issue 22), visible there and taken back into the order by saying they are text.
//
// Only lines detection found: a cut line was cut by someone as text, and one read badly needs a look most.
//
// Measured on 50 forms-dev and 50 sroie-dev pages (issue 22), the rules but the unsure reading flag 33 of
// 2,392 and 41 of 2,833 lines that match a labelled line (1.4 %: mostly lone punctuation, "*", "%", ":",
// which the labels keep), and 167 of 667 and 36 of 198 detections that match none (many of those are text
// the labels split differently, not junk). A reading under 50 % is 10 of the 2,392 matched lines and 133
// of the 667 unmatched on forms-dev (6 and 26 on sroie-dev): stamps, logos, rules, handwriting marks.

/** Below this short side or area (page pixels) a box holds no readable character. */
export const TINY_SIDE = 8
export const TINY_AREA = 120
/** A crop whose 5th and 95th luminance percentiles are closer than this is nearly blank. */
export const BLANK_CONTRAST = 60
/** Read with less than this confidence: rarely text on a scan. */
const UNSURE = 0.5
/** Up to this many characters read with less than this confidence: a mark, not a word. */
const SHORT = 2
const SHORT_UNSURE = 0.6
/** A DB box this faint (det_db_box_thresh is 0.6) read with less than this confidence. */
const FAINT_BOX = 0.65
const FAINT_UNSURE = 0.8

/** What detection knows of a line: its box was tiny or its crop nearly blank. */
export function detectionJunk(box: { width: number; height: number }, contrast: number): boolean {
  return Math.min(box.width, box.height) < TINY_SIDE || box.width * box.height < TINY_AREA || contrast < BLANK_CONTRAST
}

/** Whether a read line found by detection is likely junk, from its model reading and what detection said. */
export function likelyJunk(line: { text: string; confidence: number; detScore: number | null; detJunk: number }): boolean {
  if (line.detScore === null) return false
  if (line.detJunk) return true
  if (!/[\p{L}\p{N}]/u.test(line.text)) return true
  if (line.confidence < UNSURE) return true
  if ([...line.text].length <= SHORT && line.confidence < SHORT_UNSURE) return true
  return line.detScore < FAINT_BOX && line.confidence < FAINT_UNSURE
}
