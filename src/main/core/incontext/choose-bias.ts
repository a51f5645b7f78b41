/**
 * A sign test: clearly more better than worse — by `z` standard deviations of a fair coin (2: about 95 %
 * one-sided) — and by at least `least`.
 */
export function clearlyAhead(better: number, worse: number, z = 2, least = 2): boolean {
  return better - worse >= z * Math.sqrt(better + worse) && better - worse >= least
}

/** The sign test over replayed lines: `d` has fewer edits than `base` on clearly more lines than more. */
export function clearlyBetter(d: number[], base: number[]): boolean {
  let better = 0
  let worse = 0
  d.forEach((x, i) => (x < base[i] ? better++ : x > base[i] ? worse++ : 0))
  return clearlyAhead(better, worse)
}

const sum = (d: number[]) => d.reduce((a, b) => a + b, 0)

/**
 * The lexicon's bias, from each candidate bias's edits per replayed line (0: no lexicon). A bias is
 * supported when it helps clearly more lines than none and harms at most `harmRatio` lines per line it
 * helps. Of those, the one with the fewest edits, ties to the larger (it fixed as much here and did no
 * more harm, and unseen lines have more to fix); the `current` bias is kept while supported unless
 * another beats it by the sign test, as for the trust.
 */
export function chooseBias(edits: Map<number, number[]>, current: number, harmRatio: number): number {
  const none = edits.get(0)!
  const harmless = (d: number[]) => {
    let better = 0
    let worse = 0
    d.forEach((x, i) => (x < none[i] ? better++ : x > none[i] ? worse++ : 0))
    return worse <= better * harmRatio
  }
  const supported = [...edits.keys()].filter((bias) => bias !== 0 && clearlyBetter(edits.get(bias)!, none) && harmless(edits.get(bias)!))
  const best = supported.reduce((a, b) => (sum(edits.get(b)!) < sum(edits.get(a)!) || (sum(edits.get(b)!) === sum(edits.get(a)!) && b > a) ? b : a), supported[0] ?? 0)
  if (supported.includes(current) && best !== current && !clearlyBetter(edits.get(best)!, edits.get(current)!)) return current
  return best
}
