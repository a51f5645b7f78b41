// A character diff of the model's reading against the text shown now: what context (or the reviewer)
// changed. Lines are short (a few dozen characters), so the plain LCS table is fast enough and exact.

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * A text as a reader sees its characters: NFC, by grapheme ("aͤ", a with a combining e above, is one).
 * Most texts have no mark or joiner: their code points are their graphemes, and the segmenter (slow, and
 * run for every changed row the list renders) is left out.
 */
function graphemes(text: string): string[] {
  const nfc = text.normalize('NFC')
  if (!/[\p{M}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d]|\r\n/u.test(nfc)) return Array.from(nfc)
  return Array.from(segmenter.segment(nfc), (g) => g.segment)
}

export function diffChars(before: string, after: string): DiffPart[] {
  const a = graphemes(before)
  const b = graphemes(after)
  // Lines past this size are not worth a per-character view: show them replaced whole.
  if (a.length * b.length > 250_000) return [{ kind: 'removed', text: before }, { kind: 'added', text: after }]
  const n = a.length
  const m = b.length
  const lcs = new Uint16Array((n + 1) * (m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1])
    }
  }
  const parts: DiffPart[] = []
  const push = (kind: DiffPart['kind'], ch: string) => {
    const last = parts[parts.length - 1]
    if (last?.kind === kind) last.text += ch
    else parts.push({ kind, text: ch })
  }
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push('same', a[i++])
      j++
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) push('removed', a[i++])
    else push('added', b[j++])
  }
  while (i < n) push('removed', a[i++])
  while (j < m) push('added', b[j++])
  return parts
}

/**
 * An added or removed part as the eye can see it: a space (or tab, or no-break space) is drawn as ␣, so an
 * inserted or dropped space is not an empty box ("1 X · model read 1 X").
 */
export function visibleChange(text: string): string {
  return text.replace(/[ \t\u00a0]/g, '\u2423')
}
