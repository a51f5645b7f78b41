import { breathe } from './slices'

/**
 * Sorts like `Array.prototype.sort` (stable, by `compare`) without holding the thread: slices of `slice`
 * items are sorted, then merged pairwise, with a turn of the event loop between steps. Sorting a
 * 50,000-file folder's names with a numeric collator was one 100 ms block of the main process.
 */
export async function sortInSlices<T>(items: readonly T[], compare: (a: T, b: T) => number, slice = 4096): Promise<T[]> {
  let runs: T[][] = []
  for (let i = 0; i < items.length; i += slice) {
    runs.push(items.slice(i, i + slice).sort(compare))
    await breathe()
  }
  while (runs.length > 1) {
    const next: T[][] = []
    for (let i = 0; i < runs.length; i += 2) next.push(i + 1 < runs.length ? await merge(runs[i], runs[i + 1], compare, slice) : runs[i])
    runs = next
  }
  return runs[0] ?? []
}

/**
 * Two sorted runs as one, with a turn of the event loop every `slice` items (the last merge of a
 * 50,000-name folder is 50,000 collator comparisons: ~90 ms at once); on a tie the left run's item first,
 * which keeps the sort stable.
 */
async function merge<T>(left: T[], right: T[], compare: (a: T, b: T) => number, slice: number): Promise<T[]> {
  const out = new Array<T>(left.length + right.length)
  let a = 0
  let b = 0
  let n = 0
  while (a < left.length && b < right.length) {
    out[n++] = compare(right[b], left[a]) < 0 ? right[b++] : left[a++]
    if (n % slice === 0) await breathe()
  }
  while (a < left.length) out[n++] = left[a++]
  while (b < right.length) out[n++] = right[b++]
  await breathe()
  return out
}
