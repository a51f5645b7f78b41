import type { Decoded } from '../recognize/ctc'
import { isConvention } from './case-convention'

/** A space between a character and one of the marks a transcription may write with or without one. */
const SPACED_MARK = /(?<=\S) (?=[,.;:!?])/gu

/** The marks a text writes with a space before them ("glanblich , dauß" → ","). */
function spacedMarks(text: string): Set<string> {
  const marks = new Set<string>()
  for (const m of text.matchAll(SPACED_MARK)) marks.add(text[m.index + 1])
  return marks
}

/**
 * Whether the batch writes a mark straight after its word: PP-OCR reads the gap a 19th-century compositor
 * left before a comma as a space ("glanblich , dauß") on 50 of 1,123 Fraktur lines, where the
 * transcriptions have 4; after 10 % of the batch was corrected context still showed it on 43 lines — the
 * gap looks like any space between words, so the frames' neighbours keep it. A mark is taken to be
 * written unspaced once the reviewer has taken out the model's space before it on `CONVENTION_LINES`
 * lines and written (nearly) none with one; a French batch, which spaces ";" and ":", never gets there.
 */
export class MarkSpacing {
  private readonly turned = new Map<string, number>()
  private readonly written = new Map<string, number>()
  /** `unspaced()`, kept: every line shown asks for it. */
  private marks = ''

  /** Counts a corrected text against the model's reading in (`sign` 1) or out (−1, an undone correction). */
  add(model: string, text: string, sign = 1) {
    const wrote = spacedMarks(text)
    for (const m of wrote) bump(this.written, m, sign)
    for (const m of spacedMarks(model)) if (!wrote.has(m) && text.includes(m)) bump(this.turned, m, sign)
    this.marks = [...this.turned]
      .filter(([m, turned]) => isConvention(turned, this.written.get(m) ?? 0))
      .map(([m]) => m)
      .sort()
      .join('')
  }

  /** The marks the corrections write with no space before them, in code order ('' for none). */
  unspaced(): string {
    return this.marks
  }
}

/**
 * A reading without the spaces before `marks`: each space and its confidence go, the rest stay as read.
 * Returns `reading` itself when nothing changes.
 */
export function unspacedBefore<T extends Decoded>(reading: T, marks: string): T {
  if (!marks) return reading
  const chars = [...reading.text]
  const keep = chars.map((ch, i) => !(ch === ' ' && i > 0 && chars[i - 1] !== ' ' && i + 1 < chars.length && marks.includes(chars[i + 1])))
  if (keep.every(Boolean)) return reading
  return {
    ...reading,
    text: chars.filter((_, i) => keep[i]).join(''),
    charConfidences: reading.charConfidences.filter((_, i) => keep[i]),
  }
}

function bump(map: Map<string, number>, key: string, by: number) {
  map.set(key, (map.get(key) ?? 0) + by)
}
