import { distance } from 'fastest-levenshtein'
import { graphemes } from '../recognize/alphabet'

export interface Scores {
  /** Lines read exactly, %. */
  exact: number
  /** Lines equal ignoring letter case, %. */
  caseInsensitive: number
  /** Lines equal on letters and digits only, ignoring case (the usual scene-text score), %. */
  alnumCaseInsensitive: number
  /** Character error rate: edit distance / reference length, summed over lines, %. */
  cer: number
  cerCaseInsensitive: number
}

const alnum = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')

export function score(pairs: Array<{ truth: string; read: string }>): Scores {
  let exact = 0
  let ci = 0
  let an = 0
  let edits = 0
  let editsCi = 0
  let chars = 0
  for (const pair of pairs) {
    // NFC on both sides: "ö" typed as o + U+0308 is the reading's "ö", never an error.
    const truth = pair.truth.normalize('NFC')
    const read = pair.read.normalize('NFC')
    if (truth === read) exact++
    if (truth.toLowerCase() === read.toLowerCase()) ci++
    if (alnum(truth) === alnum(read)) an++
    edits += distance(truth, read)
    editsCi += distance(truth.toLowerCase(), read.toLowerCase())
    chars += truth.length
  }
  const n = pairs.length || 1
  const pct = (x: number, of: number) => round((100 * x) / (of || 1))
  return {
    exact: pct(exact, n),
    caseInsensitive: pct(ci, n),
    alnumCaseInsensitive: pct(an, n),
    cer: pct(edits, chars),
    cerCaseInsensitive: pct(editsCi, chars),
  }
}

/** Lines a change made better / worse, by edit distance to the truth. */
export function compare(pairs: Array<{ truth: string; before: string; after: string }>): { better: number; worse: number } {
  let better = 0
  let worse = 0
  for (const { truth, before, after } of pairs) {
    const d0 = distance(truth, before)
    const d1 = distance(truth, after)
    if (d1 < d0) better++
    else if (d1 > d0) worse++
  }
  return { better, worse }
}

const round = (x: number) => Math.round(x * 100) / 100

/** A line's numbers: its runs of digits with the separators inside them ("80.91", "03-4021", "12/02/2018"). */
export function numbersOf(text: string): string[] {
  return text.match(/\p{Nd}(?:[\p{Nd}.,:/-]*\p{Nd})?/gu) ?? []
}

/**
 * Lines with a number whose numbers a change got right where they were wrong (fixed), or wrong where they
 * were right (broken): amounts, dates and phone numbers are what a receipt or a form is for.
 */
export function numbersFixed(pairs: Array<{ truth: string; before: string; after: string }>): { fixed: number; broken: number } {
  let fixed = 0
  let broken = 0
  for (const { truth, before, after } of pairs) {
    const want = numbersOf(truth).join(' ')
    if (!want) continue
    const was = numbersOf(before).join(' ') === want
    const is = numbersOf(after).join(' ') === want
    if (!was && is) fixed++
    else if (was && !is) broken++
  }
  return { fixed, broken }
}

/** Per character (grapheme) of the truth that `isNew` picks: how often the truth holds it, and how often the reading reads it. */
export interface CharacterRecall {
  char: string
  count: number
  read: number
}

/**
 * Recall of the characters `isNew` picks (those the model cannot write): an occurrence in the truth is read
 * when a longest common subsequence of the truth and the reading, grapheme by grapheme (NFC), pairs it
 * with the same grapheme. Most frequent first.
 */
export function characterRecall(pairs: Array<{ truth: string; read: string }>, isNew: (g: string) => boolean): CharacterRecall[] {
  const found = new Map<string, CharacterRecall>()
  for (const { truth, read } of pairs) {
    const a = graphemes(truth)
    if (!a.some(isNew)) continue
    const b = graphemes(read)
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    const lcs = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1))
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    }
    const paired = new Set<number>()
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] === b[j]) {
        paired.add(i)
        i++
        j++
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++
      else j++
    }
    a.forEach((g, i) => {
      if (!isNew(g)) return
      const r = found.get(g) ?? { char: g, count: 0, read: 0 }
      r.count++
      if (paired.has(i)) r.read++
      found.set(g, r)
    })
  }
  return [...found.values()].sort((x, y) => y.count - x.count || (x.char < y.char ? -1 : 1))
}
