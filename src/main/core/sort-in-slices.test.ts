import { describe, expect, it } from 'vitest'
import { sortInSlices } from './sort-in-slices'

describe('sortInSlices', () => {
  it('sorts exactly as Array.prototype.sort does, ties in their original order', async () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [n, slice] of [[0, 4], [1, 4], [5, 4], [1000, 7], [10_000, 4096]]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(rand() * 50), i }))
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key
      expect(await sortInSlices(items, byKey, slice)).toEqual([...items].sort(byKey))
    }
  })

  it('orders file names naturally with a numeric collator', async () => {
    const names = ['l10.png', 'l2.png', 'l1.png', 'a.png', 'l20.png', 'l3.png']
    expect(await sortInSlices(names, new Intl.Collator(undefined, { numeric: true }).compare, 2)).toEqual(['a.png', 'l1.png', 'l2.png', 'l3.png', 'l10.png', 'l20.png'])
  })
})
