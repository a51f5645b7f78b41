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
