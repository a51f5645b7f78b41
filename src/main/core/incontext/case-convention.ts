import type { Decoded } from '../recognize/ctc'

const hasUpper = (text: string) => /\p{Lu}/u.test(text)
const hasLower = (text: string) => /\p{Ll}/u.test(text)
/** A word of two cased letters or more: a lone letter ("X" ticked as "x" on a form) shows no way of writing. */
export const writesWords = (text: string) => /[\p{Lu}\p{Ll}]{2}/u.test(text)

/** Corrected lines that turned the model's case one way before the batch is taken to write in that case. */
export const CONVENTION_LINES = 3
/** At most one corrected line against it per this many for it (a slip of the reviewer's is not a convention). */
const AGAINST_PER = 20

/** Whether corrected lines show a way of writing: `turned` lines turned the model's reading to it, `against` wrote otherwise. */
export function isConvention(turned: number, against: number): boolean {
  return turned >= CONVENTION_LINES && against <= Math.floor(turned / AGAINST_PER)
}

export type Case = 'upper' | 'lower'

/**
 * The batch's case convention, from its corrected lines: receipts transcribed in capitals ("TOTAL" where
 * the model read "Total") are written so throughout, and frame-by-frame context learns that only letter by
 * letter — on five receipts the reviewer's first twenty corrections left most lines as the model cased
 * them, and lines half in capitals ("WE INVITE you To COMPLETE OUR"). A batch is taken to write in upper
 * case once the reviewer has turned the model's lower case to upper on `CONVENTION_LINES` lines and written
 * (nearly) no line with a lower-case letter; the same the other way. A corrected line against it takes the
 * convention back, as an undone correction does.
 */
export class CaseCounts {
  /** Lines that turned the model's case up (no lower-case letter left), down, and lines with each case. */
  private turned = { upper: 0, lower: 0 }
  private written = { upper: 0, lower: 0 }

  /** Counts a corrected text against the model's reading in (`sign` 1) or out (−1, an undone correction);
   *  a text without a word of two letters counts for nothing. */
  add(model: string, text: string, sign = 1) {
    if (!writesWords(text)) return
    const upper = hasUpper(text)
    const lower = hasLower(text)
    if (upper) this.written.upper += sign
    if (lower) this.written.lower += sign
    if (upper && !lower && hasLower(model)) this.turned.upper += sign
    if (lower && !upper && hasUpper(model)) this.turned.lower += sign
  }

  /** The convention the corrections show now, or null. */
  convention(): Case | null {
    for (const [to, other] of [['upper', 'lower'], ['lower', 'upper']] as const) {
      if (isConvention(this.turned[to], this.written[other])) return to
    }
    return null
  }
}

/**
 * A reading in the batch's case: each letter whose other case is one character (not "ß" → "SS", which
 * would move the confidences off their characters). Returns `reading` itself when nothing changes.
 */
export function inCase<T extends Decoded>(reading: T, to: Case | null): T {
  if (!to || !(to === 'upper' ? hasLower(reading.text) : hasUpper(reading.text))) return reading
  let changed = false
  const text = [...reading.text]
    .map((ch) => {
      const next = to === 'upper' ? ch.toUpperCase() : ch.toLowerCase()
      if (next === ch || [...next].length !== 1) return ch
      changed = true
      return next
    })
    .join('')
  return changed ? { ...reading, text } : reading
}
