// A cache that forgets the least recently used entries beyond a count and a total weight, so a
// reviewer scrolling through 50,000 lines holds the images near where they are, not every one seen.

export interface LruLimits<V> {
  /** At most this many entries. */
  maxEntries: number
  /** At most this total weight (e.g. characters of a data URL); an entry heavier than this is not kept. */
  maxWeight: number
  weigh: (value: V) => number
}

export class LruCache<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<K, { value: V; weight: number }>()
  private total = 0

  constructor(private readonly limits: LruLimits<V>) {}

  get size(): number {
    return this.entries.size
  }

  get weight(): number {
    return this.total
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: K, value: V): void {
    this.delete(key)
    const weight = this.limits.weigh(value)
    if (weight > this.limits.maxWeight || this.limits.maxEntries < 1) return
    this.entries.set(key, { value, weight })
    this.total += weight
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.total <= this.limits.maxWeight) break
      this.entries.delete(oldest)
      this.total -= entry.weight
    }
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key)
    if (!entry) return false
    this.entries.delete(key)
    this.total -= entry.weight
    return true
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.entries.keys()]
  }
}
