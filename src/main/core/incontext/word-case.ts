import type { Decoded } from '../recognize/ctc'

const WORD = /\p{L}+/gu
const isUpper = (ch: string) => ch !== ch.toLowerCase() && ch === ch.toUpperCase()
const isLower = (ch: string) => ch !== ch.toUpperCase() && ch === ch.toLowerCase()

/**
 * A reading whose words context left in mixed case made whole again: a batch's case convention is a
 * word's (receipts transcribed in capitals, "TOTAL"), but context decides letter by letter, and where
 * only some letters had close neighbours it wrote "TOTAl", "EXClUDING", "AbOVE" (316 such words in the
 * 8 % of sroie-dev a reviewer leaves after 30 corrections on 5 receipts). A word of the reading that is
 * neither lower, upper nor title case, and was not so in the model's reading, takes the case most of its
 * letters have (a tie: the case context moved letters to); a letter that changes so carries the
 * confidence of the word's weakest letter. Returns `reading` itself when no word needs it.
 */
export function coherentCase(reading: Decoded, model: Decoded): Decoded {
  const modelWords = new Set(model.text.match(WORD) ?? [])
  let text = reading.text
  let changed = false
  const chars = [...text]
  const conf = reading.charConfidences.slice()
  // Character (code point) offsets of each word, for the confidences.
  let offset = 0
  let last = 0
  for (const match of text.matchAll(WORD)) {
    offset += [...text.slice(last, match.index)].length
    last = match.index + match[0].length
    const word = [...match[0]]
    const start = offset
    offset += word.length
    if (word.length < 2 || modelWords.has(match[0]) || !mixed(word)) continue
    const upper = word.filter(isUpper).length
    const lower = word.filter(isLower).length
    // The model's word at the same place tells which way context moved letters (for a tie).
    const before = modelWordAt(model.text, text, match.index)
    const movedUp = before ? [...before].filter(isUpper).length < upper : true
    const toUpper = upper > lower || (upper === lower && movedUp)
    const weakest = Math.min(...conf.slice(start, start + word.length))
    word.forEach((ch, i) => {
      const next = toUpper ? ch.toUpperCase() : ch.toLowerCase()
      if (next === ch || [...next].length !== 1) return
      chars[start + i] = next
      conf[start + i] = Math.min(conf[start + i] ?? weakest, weakest)
      changed = true
    })
  }
  if (!changed) return reading
  text = chars.join('')
  const confidence = conf.length ? conf.reduce((a, b) => a + b, 0) / conf.length : 0
  return { ...reading, text, charConfidences: conf, confidence }
}

/** Neither all lower, all upper, nor a capital then lower case. */
function mixed(word: string[]): boolean {
  const rest = word.slice(1)
  if (word.every((ch) => !isUpper(ch)) || word.every((ch) => !isLower(ch))) return false
  return !(isUpper(word[0]) && rest.every((ch) => !isUpper(ch)))
}

/** The model's word covering the same position, when the two texts have the same length (else null). */
function modelWordAt(model: string, reading: string, at: number): string | null {
  if (model.length !== reading.length) return null
  let from = at
  while (from > 0 && /\p{L}/u.test(model[from - 1])) from--
  let to = at
  while (to < model.length && /\p{L}/u.test(model[to])) to++
  return model.slice(from, to) || null
}
