/**
 * The recognizer's output classes: 0 is the CTC blank, 1…N the lines of the keys file, N+1 the space.
 * Characters outside it can still appear in corrections; `indexOf` returns -1 for them.
 */
export interface Alphabet {
  /** Number of output classes including blank and space. */
  size: number
  blank: number
  space: number
  char(index: number): string
  indexOf(char: string): number
}

export function parseAlphabet(keysText: string, options: { spaceAtEnd: boolean }): Alphabet {
  // The keys file has no trailing newline; tolerate one (and CRLF) if a different copy has it.
  const keys = keysText.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')
  const chars = ['', ...keys, ...(options.spaceAtEnd ? [' '] : [])]
  const index = new Map<string, number>()
  chars.forEach((c, i) => {
    if (i > 0 && !index.has(c)) index.set(c, i)
  })
  return {
    size: chars.length,
    blank: 0,
    space: options.spaceAtEnd ? chars.length - 1 : -1,
    char: (i) => chars[i] ?? '',
    indexOf: (c) => index.get(c) ?? -1,
  }
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * What a reader calls one character: the text in NFC, cut into grapheme clusters ("aͤ", a with a
 * combining e above, is one; so is "é" typed as e + U+0301, which NFC makes the model's "é").
 */
export function graphemes(text: string): string[] {
  const nfc = text.normalize('NFC')
  // Most texts are plain characters, one code point each: no segmenter needed.
  if (!/[\p{M}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d]|\r\n/u.test(nfc)) return [...nfc]
  return Array.from(segmenter.segment(nfc), (s) => s.segment)
}

/** Whether a grapheme is a letter, with any marks on it ("aͤ": a with a combining e above). */
export const isLetter = (g: string) => /^\p{L}\p{M}*$/u.test(g)

/**
 * A text as output classes, grapheme by grapheme: a grapheme the alphabet has is its class; one it lacks
 * but whose code points it has (a letter with a mark the model writes apart) is those code points'
 * classes; else -1 (`indexOf`'s "not in the alphabet").
 */
export function classesOf(text: string, alphabet: Alphabet): number[] {
  const out: number[] = []
  for (const g of graphemes(text)) {
    const c = alphabet.indexOf(g)
    if (c >= 0 || g.length === 1) {
      out.push(c)
      continue
    }
    const parts = [...g].map((p) => alphabet.indexOf(p))
    if (parts.every((p) => p >= 0)) out.push(...parts)
    else out.push(-1)
  }
  return out
}
