import type { Alphabet } from '../recognize/alphabet'

/** Pseudo-counts pulling a pair's rate toward its classes', and the classes' toward the batch's. */
const SMOOTH = 2
const CLAMP = 6

/** A character's class for spacing: digit, upper- or lower-case letter, else the character itself. */
function classOf(ch: string): string {
  if (/^\p{Nd}$/u.test(ch)) return '9'
  if (/^\p{Lu}$/u.test(ch)) return 'A'
  if (/^\p{L}$/u.test(ch)) return 'a'
  return ch
}

type Counts = [unspaced: number, spaced: number]

/**
 * How the batch's reviewers space characters: for each two characters that meet in a corrected text, how
 * often a space stands between them — per pair, per pair of classes ("." then a capital), and overall.
 * Forms transcribed word by word put one after every "/" and "." ("9/ 3/ 92", "J. S. Wigand"); receipts
 * keep "RM 29.70" apart. The gap gate weighs this beside what the frames show (gate.ts).
 */
export class SpacingCounts {
  private readonly pairs = new Map<string, Counts>()
  private readonly classes = new Map<string, Counts>()
  private readonly all: Counts = [0, 0]

  /** Counts a corrected text in (`sign` 1) or out (−1, an undone correction). */
  add(text: string, sign = 1) {
    let previous: string | null = null
    let spaced = false
    for (const ch of text) {
      if (ch === ' ') {
        spaced = true
        continue
      }
      if (previous !== null) {
        const s = spaced ? 1 : 0
        bump(this.pairs, previous + '\u0000' + ch, s, sign)
        bump(this.classes, classOf(previous) + '\u0000' + classOf(ch), s, sign)
        this.all[s] += sign
      }
      previous = ch
      spaced = false
    }
  }

  /** The rates as they stand, looked up by output class (frozen: later corrections do not move them). */
  freeze(alphabet: Alphabet): SpacingLookup {
    const rate = (c: Counts, prior: number) => (c[1] + SMOOTH * prior) / (c[0] + c[1] + SMOOTH)
    const overall = (this.all[1] + 1) / (this.all[0] + this.all[1] + 2)
    const logit = (p: number) => Math.max(-CLAMP, Math.min(CLAMP, Math.log(p / (1 - p))))
    const classRate = new Map<string, number>()
    for (const [key, c] of this.classes) classRate.set(key, rate(c, overall))
    const pairLogit = new Map<number, number>()
    for (const [key, c] of this.pairs) {
      const [a, b] = key.split('\u0000')
      const ia = alphabet.indexOf(a)
      const ib = alphabet.indexOf(b)
      if (ia < 0 || ib < 0) continue
      pairLogit.set(ia * alphabet.size + ib, logit(rate(c, classRate.get(classOf(a) + '\u0000' + classOf(b)) ?? overall)))
    }
    const classLogit = new Map<string, number>()
    for (const [key, p] of classRate) classLogit.set(key, logit(p))
    const known = this.all[0] + this.all[1] > 0
    return {
      logit(a, b) {
        if (!known || a <= 0 || b <= 0) return 0
        const exact = pairLogit.get(a * alphabet.size + b)
        if (exact !== undefined) return exact
        return classLogit.get(classOf(alphabet.char(a)) + '\u0000' + classOf(alphabet.char(b))) ?? logit(overall)
      },
    }
  }
}

/** The log-odds that the batch puts a space between output classes a and b (0 before any correction). */
export interface SpacingLookup {
  logit(a: number, b: number): number
}

export const noSpacing: SpacingLookup = { logit: () => 0 }

function bump(map: Map<string, Counts>, key: string, spaced: number, sign: number) {
  let c = map.get(key)
  if (!c) map.set(key, (c = [0, 0]))
  c[spaced] += sign
}
