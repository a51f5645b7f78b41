// Test-time views (after TPT, test-time prompt tuning): the hardest lines of each chunk read a second time
// in a view that keeps the frame grid, the two readings' posteriors averaged frame by frame and decoded
// again. A line both views read the same is left exactly as the model read it.
//
// Measured on the cached dev sets (scratch views study, issue 21 note), hardest 20 % by the self-check:
// a slight blur was the one view that paid — case-insensitive CER sroie-dev 3.61 → 3.21 %, forms-dev
// 11.21 → 10.28 %, iiit5k-dev 5.25 → 5.17 %, fraktur-dev 24.16 → 23.95 %, for ~1.1–1.2× the recognition
// time; contrast (gamma) changed nothing, a 2-pixel shift helped half as much, and three views keeping the
// two least uncertain (TPT's selection) helped less than the blur alone at 1.5× the time.
//
// The gain follows the frames read again, whatever picks the lines (eleventh session, every line read both
// ways and each policy decoded offline): forms-dev −4.5 % CER for 24 % more frames (share 0.1), −5.9 % for
// 37 % (0.2), −10.1 % for all; a budget of 20 % of the frames by the self-check or by expected errors did
// no better per frame (−3.7 %, −4.1 %), nor did a geometric mean of the two views (−5.6 % at 0.2). On
// two CPU cores recognition time grows about as the frames do, so no share gives both ≥ 5 % and ≤ 1.3×.
import type { Decoded } from './ctc'
import type { LineFrames } from './frames'
import type { PreparedLine } from './preprocess'
import { readingSignals, selfCheckFeatures, wrongProbability } from './self-judgement'

export const viewSettings = {
  /** The share of each chunk of lines read again: the hardest, as the self-check's prior ranks them. */
  share: 0.2,
}

/**
 * The line slightly blurred (3 × 3, the centre weighted 4): the same width, so the same frames. The
 * recognizer reads faint or broken print better so (the model was trained on smoother renderings).
 */
export function blurred(line: PreparedLine, height: number): PreparedLine {
  const { width: w, data } = line
  const out = new Float32Array(data.length)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0
        let weight = 0
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy
          if (yy < 0 || yy >= height) continue
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx
            if (xx < 0 || xx >= w) continue
            const k = dx === 0 && dy === 0 ? 4 : 1
            sum += data[(c * height + yy) * w + xx] * k
            weight += k
          }
        }
        out[(c * height + y) * w + x] = sum / weight
      }
    }
  }
  return { ...line, data: out }
}

/**
 * Two readings of the same frames averaged frame by frame: each class's probability is the mean of the
 * two (0 where a reading's top-k lacks it), the top-k of that kept; the features stay the first reading's
 * (in-context neighbours are found by what the model saw of the line itself).
 */
export function averaged(a: LineFrames, b: LineFrames): LineFrames {
  const { k, frames } = a
  const out: LineFrames = { ...a, topIndex: new Uint16Array(a.topIndex.length), topProb: new Float32Array(a.topProb.length), blank: new Float32Array(frames) }
  const sum = new Map<number, number>()
  for (let t = 0; t < frames; t++) {
    sum.clear()
    for (const f of [a, b]) {
      for (let j = 0; j < k; j++) {
        const c = f.topIndex[t * k + j]
        sum.set(c, (sum.get(c) ?? 0) + f.topProb[t * k + j] / 2)
      }
    }
    const top = [...sum].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k)
    top.forEach(([c, p], j) => {
      out.topIndex[t * k + j] = c
      out.topProb[t * k + j] = p
    })
    out.blank[t] = (a.blank[t] + b.blank[t]) / 2
  }
  return out
}

/** The indices of the readings to look at again: the chunk's hardest `share`, by the self-check's prior. */
export function hardest(readings: Array<(Decoded & { greedy: Decoded }) | null>, share = viewSettings.share): number[] {
  // No batch yet to count words in or take the centre of: every word counts as read once, shares as they are.
  const scored = readings.flatMap((r, i) =>
    r ? [{ i, p: wrongProbability(selfCheckFeatures(r.text, readingSignals(r.text, r.charConfidences, r.confidence, r.greedy.text), () => 1)) }] : [],
  )
  return scored
    .sort((x, y) => y.p - x.p || x.i - y.i)
    .slice(0, Math.ceil(share * scored.length))
    .map((s) => s.i)
}
