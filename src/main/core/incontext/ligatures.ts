import { isLetter } from '../recognize/alphabet'
import type { LineFrames } from '../recognize/frames'
import { classProb, type Alignment } from './align'
import type { BatchAlphabet } from './batch-alphabet'

/**
 * The classes a corrected line's frames teach: its alignment's, except where the reviewer wrote a letter
 * the model gave no frame of its own — every frame aligned to it is the blank's — beside a letter the model
 * did read. The two are one glyph to the model: Fraktur prints "ch", "ck", "tz" as ligatures, which it
 * reads as one peak ("id" for "ich", "nidt" for "nicht"). Aligned letter by letter, that peak taught "c"
 * and the "h" went to blank frames no reading brings back (a dropped "h" was 304 of the 2,537 errors left
 * in fraktur-dev at 20 % corrected). Here the peak's frames teach the pair, a class of the batch
 * (batch-alphabet.ts), and the blank frames teach nothing. Small letters only: a digit the model merged
 * ("1.00" read "1.0") is no glyph of its own, and amounts must not grow digits from their neighbours.
 */
export function ligatureLabels(f: LineFrames, alignment: Alignment, alphabet: BatchAlphabet): Int32Array {
  const { labels, position } = alignment
  let n = 0
  for (const p of position) n = Math.max(n, p + 1)
  const cls = new Int32Array(n).fill(-1)
  const peak = new Uint8Array(n)
  for (let t = 0; t < f.frames; t++) {
    const p = position[t]
    if (p < 0) continue
    cls[p] = labels[t]
    if (f.topIndex[t * f.k] !== 0) peak[p] = 1
  }
  // Print joins small letters (an upper-case "Ch" is two glyphs), and a receipt transcribed in capitals from
  // mixed-case print has letters the model read in the other case, not joined: "TOTALAL" for "Total".
  const letter = (p: number) => {
    if (p < 0 || p >= n || cls[p] <= 0) return false
    const g = alphabet.char(cls[p])
    return isLetter(g) && g === g.toLowerCase()
  }
  // How much the model sees letter p on partner q's frames: the glyph that holds it.
  const seen = (p: number, q: number) => {
    let best = 0
    for (let t = 0; t < f.frames; t++) if (position[t] === q) best = Math.max(best, classProb(f, t, cls[p], alphabet.base.size))
    return best
  }
  // Per letter: the pair's class where it holds one, 0 where its partner does.
  const join = new Int32Array(n).fill(-1)
  const free = (q: number) => q >= 0 && q < n && peak[q] && letter(q) && join[q] < 0
  for (let p = 0; p < n; p++) {
    if (peak[p] || !letter(p)) continue
    // Of the letters beside it that the model read, the one on whose frames it sees this letter more.
    const before = free(p - 1) ? p - 1 : -1
    const after = free(p + 1) ? p + 1 : -1
    const with_ = before < 0 ? after : after < 0 ? before : seen(p, after) > seen(p, before) ? after : before
    if (with_ < 0) continue
    const [a, b] = with_ < p ? [with_, p] : [p, with_]
    const pair = alphabet.add(alphabet.char(cls[a]) + alphabet.char(cls[b]))
    if (pair < 0) continue
    join[with_] = pair
    join[p] = 0
  }
  if (!join.some((c) => c >= 0)) return labels
  const out = labels.slice()
  for (let t = 0; t < f.frames; t++) if (position[t] >= 0 && join[position[t]] >= 0) out[t] = join[position[t]]
  return out
}
