import type { Alphabet } from './alphabet'

export interface Decoded {
  text: string
  /** One per output character: the probability of the frame that emitted it. */
  charConfidences: number[]
  /** Mean of the character confidences (PaddleOCR's line score); 0 for an empty line. */
  confidence: number
}

/**
 * Greedy CTC: the best class per frame, repeats collapsed, blanks dropped. `probs` holds `frames` rows of
 * `classes` softmax probabilities starting at `offset`.
 */
export function greedyDecode(
  probs: Float32Array,
  offset: number,
  frames: number,
  classes: number,
  alphabet: Alphabet,
): Decoded {
  const chars: string[] = []
  const charConfidences: number[] = []
  let previous = -1
  for (let t = 0; t < frames; t++) {
    const row = offset + t * classes
    let best = 0
    let bestP = probs[row]
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]
      if (p > bestP) {
        bestP = p
        best = c
      }
    }
    if (best !== alphabet.blank && best !== previous) {
      chars.push(alphabet.char(best))
      charConfidences.push(bestP)
    }
    previous = best
  }
  // The model often emits a space at the line's ends (from the crop's margin); a line has none there.
  let start = 0
  let end = chars.length
  while (start < end && chars[start] === ' ') start++
  while (end > start && chars[end - 1] === ' ') end--
  return summarize(chars.slice(start, end).join(''), charConfidences.slice(start, end))
}

function summarize(text: string, charConfidences: number[]): Decoded {
  const confidence = charConfidences.length ? charConfidences.reduce((a, b) => a + b, 0) / charConfidences.length : 0
  return { text, charConfidences, confidence }
}
