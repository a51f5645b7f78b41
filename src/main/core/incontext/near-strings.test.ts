import { distance } from 'fastest-levenshtein'
import { describe, expect, it } from 'vitest'
import { NearStrings } from './near-strings'

// A small alphabet (with a letter outside a–z and one sharing a mask bit with "a") so that many strings
// are near each other and the mask test meets collisions.
const LETTERS = 'abcdeßA!'
function randomWord(random: () => number): string {
  const n = 2 + Math.floor(random() * 9)
  return Array.from({ length: n }, () => LETTERS[Math.floor(random() * LETTERS.length)]).join('')
}

function seeded(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

describe('NearStrings', () => {
  it('finds exactly the strings within the edits both allow, as strings come and go', () => {
    const random = seeded(7)
    const index = new NearStrings()
    const kept = new Map<string, { lower: string; edits: number }>()
    for (let step = 0; step < 3000; step++) {
      const s = randomWord(random)
      if (kept.has(s) && random() < 0.5) {
        index.delete(s)
        kept.delete(s)
      } else {
        const entry = { lower: s.toLowerCase(), edits: Math.floor(random() * 3) }
        if (!kept.has(s)) kept.set(s, entry)
        index.add(s, entry.lower, entry.edits)
      }
      if (step % 50 !== 0) continue
      const query = randomWord(random).toLowerCase()
      const reach = step % 3
      const found: string[] = []
      index.near(query, reach, (x) => found.push(x))
      const expected = [...kept].filter(([, e]) => distance(query, e.lower) <= Math.min(reach, e.edits)).map(([x]) => x)
      expect(found.sort()).toEqual(expected.sort())
    }
    expect(index.size).toBe(kept.size)
  })
})
