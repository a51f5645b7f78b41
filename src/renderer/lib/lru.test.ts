import { describe, expect, it } from 'vitest'
import { LruCache } from './lru'

const strings = (maxEntries: number, maxWeight = Infinity) => new LruCache<number, string>({ maxEntries, maxWeight, weigh: (s) => s.length })

describe('the LRU cache', () => {
  it('keeps at most its number of entries, forgetting the least recently used first', () => {
    const cache = strings(2)
    cache.set(1, 'a')
    cache.set(2, 'b')
    cache.set(3, 'c')
    expect(cache.keys()).toEqual([2, 3])
    expect(cache.get(1)).toBeUndefined()
  })

  it('counts reading an entry as using it', () => {
    const cache = strings(2)
    cache.set(1, 'a')
    cache.set(2, 'b')
    expect(cache.get(1)).toBe('a')
    cache.set(3, 'c')
    expect(cache.keys()).toEqual([1, 3])
  })

  it('keeps the total weight under its limit however few the entries', () => {
    const cache = strings(100, 10)
    cache.set(1, 'aaaa')
    cache.set(2, 'bbbb')
    cache.set(3, 'cccc')
    expect(cache.keys()).toEqual([2, 3])
    expect(cache.weight).toBe(8)
  })

  it('does not keep an entry heavier than the whole limit, nor drop the others for it', () => {
    const cache = strings(100, 10)
    cache.set(1, 'aaaa')
    cache.set(2, 'x'.repeat(11))
    expect(cache.keys()).toEqual([1])
    expect(cache.weight).toBe(4)
  })

  it('replaces an entry set again, weighing only the new value', () => {
    const cache = strings(100, 10)
    cache.set(1, 'aaaa')
    cache.set(1, 'bb')
    expect(cache.get(1)).toBe('bb')
    expect(cache.size).toBe(1)
    expect(cache.weight).toBe(2)
  })

  it('forgets a deleted entry and its weight', () => {
    const cache = strings(100)
    cache.set(1, 'aaaa')
    expect(cache.delete(1)).toBe(true)
    expect(cache.delete(1)).toBe(false)
    expect(cache.has(1)).toBe(false)
    expect(cache.weight).toBe(0)
  })
})
