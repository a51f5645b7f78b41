// How good a review order is at finding a batch's errors: the share of its wrong lines a reviewer meets in
// the first part of the order, and how far down the order they must go to have met most of them.

export interface OrderQuality {
  /** Wrong lines of the batch. */
  wrong: number
  /** Share (%) of the wrong lines in the first 10 % and 20 % of the order. */
  recall10: number
  recall20: number
  /** Share (%) of the batch reviewed, in this order, to reach 80 % of its wrong lines. */
  effort80: number
}

const pct = (x: number) => Math.round(1000 * x) / 10

/** `wrong[i]`: whether the i-th line of the order is wrong. */
export function orderQuality(wrong: ArrayLike<boolean>): OrderQuality {
  const n = wrong.length
  let total = 0
  for (let i = 0; i < n; i++) if (wrong[i]) total++
  const found = (share: number) => {
    let f = 0
    for (let i = 0; i < Math.round(share * n); i++) if (wrong[i]) f++
    return total ? f / total : 1
  }
  let effort = 0
  for (let i = 0, f = 0; i < n && f < 0.8 * total; i++) {
    if (wrong[i]) f++
    effort = i + 1
  }
  return { wrong: total, recall10: pct(found(0.1)), recall20: pct(found(0.2)), effort80: n ? pct(effort / n) : 0 }
}
