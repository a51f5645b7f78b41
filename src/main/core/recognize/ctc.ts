import type { Alphabet } from './alphabet'
import type { LineFrames } from './frames'

export interface Decoded {
  text: string
  /** One per output character: the probability of the (best) frame that emitted it. */
  charConfidences: number[]
  /** Mean of the character confidences (PaddleOCR's line score); 0 for an empty line. */
  confidence: number
}

/** Greedy CTC: the best class per frame, repeats collapsed, blanks dropped. */
export function greedyDecode(f: LineFrames, alphabet: Alphabet): Decoded {
  const chars: number[] = []
  const conf: number[] = []
  let previous = -1
  for (let t = 0; t < f.frames; t++) {
    const best = f.topIndex[t * f.k]
    const p = f.topProb[t * f.k]
    if (best !== alphabet.blank) {
      if (best !== previous) {
        chars.push(best)
        conf.push(p)
      } else if (p > conf[conf.length - 1]) conf[conf.length - 1] = p
    }
    previous = best
  }
  return finish(chars, conf, alphabet)
}

export interface BeamOptions {
  beam: number
  /** Classes below this probability in a frame are not expanded. */
  prune: number
}

export const defaultBeam: BeamOptions = { beam: 8, prune: 1e-3 }

interface Hyp {
  chars: number[]
  conf: number[]
  /** Probability of the prefix ending in blank / in its last character. */
  pb: number
  pnb: number
}

/**
 * CTC prefix beam search over each frame's cached top-k. Probabilities are renormalised per frame so
 * long lines do not underflow (the ranking is unchanged).
 */
export function beamDecode(f: LineFrames, alphabet: Alphabet, options: BeamOptions = defaultBeam): Decoded {
  let beams = new Map<string, Hyp>([['', { chars: [], conf: [], pb: 1, pnb: 0 }]])
  for (let t = 0; t < f.frames; t++) {
    const next = new Map<string, Hyp>()
    const get = (key: string, chars: number[], conf: number[]) => {
      let h = next.get(key)
      if (!h) next.set(key, (h = { chars, conf, pb: 0, pnb: 0 }))
      return h
    }
    const base = t * f.k
    const blankP = f.blank[t]
    // Most frames are a near-certain blank: every prefix just stays, no new prefix is worth a place.
    if (f.topIndex[base] === alphabet.blank && (f.k < 2 || f.topProb[base + 1] < options.prune)) {
      for (const h of beams.values()) {
        h.pb = (h.pb + h.pnb) * blankP
        h.pnb = 0
      }
      continue
    }
    for (const [key, h] of beams) {
      const total = h.pb + h.pnb
      // Stay on the same prefix by emitting a blank.
      get(key, h.chars, h.conf).pb += total * blankP
      const last = h.chars.length ? h.chars[h.chars.length - 1] : -1
      for (let j = 0; j < f.k; j++) {
        const p = f.topProb[base + j]
        if (p < options.prune) break
        const c = f.topIndex[base + j]
        if (c === alphabet.blank) continue
        if (c === last) {
          // Repeat without a blank between collapses into the same prefix…
          const same = get(key, h.chars, h.conf)
          same.pnb += h.pnb * p
          if (p > same.conf[same.conf.length - 1]) same.conf = [...same.conf.slice(0, -1), p]
          // …a repeat after a blank is a new character.
          const ext = get(`${key},${c}`, [...h.chars, c], [...h.conf, p])
          ext.pnb += h.pb * p
        } else {
          const ext = get(`${key},${c}`, [...h.chars, c], [...h.conf, p])
          ext.pnb += total * p
        }
      }
    }
    const ranked = [...next].sort((a, b) => b[1].pb + b[1].pnb - (a[1].pb + a[1].pnb)).slice(0, options.beam)
    const norm = ranked.reduce((s, [, h]) => s + h.pb + h.pnb, 0) || 1
    for (const [, h] of ranked) {
      h.pb /= norm
      h.pnb /= norm
    }
    beams = new Map(ranked)
  }
  let best: Hyp | undefined
  for (const h of beams.values()) if (!best || h.pb + h.pnb > best.pb + best.pnb) best = h
  return finish(best?.chars ?? [], best?.conf ?? [], alphabet)
}

function finish(chars: number[], conf: number[], alphabet: Alphabet): Decoded {
  // The model often emits a space at a line's ends (from the crop's margin); a line has none there.
  let start = 0
  let end = chars.length
  while (start < end && chars[start] === alphabet.space) start++
  while (end > start && chars[end - 1] === alphabet.space) end--
  const charConfidences = conf.slice(start, end)
  return {
    text: chars.slice(start, end).map((c) => alphabet.char(c)).join(''),
    charConfidences,
    confidence: charConfidences.length ? charConfidences.reduce((a, b) => a + b, 0) / charConfidences.length : 0,
  }
}
