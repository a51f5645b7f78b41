import { afterAll, describe, expect, it } from 'vitest'
import { NeighbourIndex, type Merged } from './neighbour-index'
import { createSimilaritySearch } from './similarity'
import { fromHalfBits, toHalfBits } from '../store/half'

// 2-d unit vectors at the given angles: cosine similarity between two is cos(a − b).
const at = (angle: number) => Float32Array.of(Math.cos(angle), Math.sin(angle))
// The angle whose cosine similarity to angle 0 is `sim`.
const simAngle = (sim: number) => Math.acos(sim)
const changed = (m: Merged) => m.changed

describe('NeighbourIndex.merge', async () => {
  const similarity = await createSimilaritySearch(2)
  afterAll(() => similarity.release())

  it('reports a row only when an entry lands within the window of its nearest, and still lists the others', async () => {
    const index = new NeighbourIndex(similarity, 2, 4, 0.5, { first: 1, window: 0.1, closeness: () => 1 })
    index.addRows([at(0)])
    expect(changed(await index.merge(index.pool.add(1, [{ label: 1, features: at(simAngle(0.95)) }])))).toEqual([0])
    // 0.8 is 0.15 below the nearest (0.95): listed, but fusion would not read it.
    const far = index.pool.add(2, [{ label: 2, features: at(-simAngle(0.8)) }])
    expect(changed(await index.merge(far))).toEqual([])
    const n = index.neighbours(0)
    expect(n.count).toBe(2)
    expect(n.ids[n.at + 1]).toBe(far[0])
    // 0.9 is within 0.1 of the nearest: reported.
    expect(changed(await index.merge(index.pool.add(3, [{ label: 3, features: at(simAngle(0.9)) }])))).toEqual([0])
    // A new nearest is always reported; below minSim (0.5) nothing is listed at all.
    expect(changed(await index.merge(index.pool.add(4, [{ label: 4, features: at(0.01) }])))).toEqual([0])
    expect(changed(await index.merge(index.pool.add(5, [{ label: 5, features: at(simAngle(0.4)) }])))).toEqual([])
    expect(index.neighbours(0).count).toBe(4)
  })

  it('reports a row when an entry lands among the first entries fusion reads, even outside the window', async () => {
    const index = new NeighbourIndex(similarity, 2, 4, 0.5, { first: 2, window: 0.1, closeness: () => 1 })
    index.addRows([at(0)])
    await index.merge(index.pool.add(1, [{ label: 1, features: at(simAngle(0.95)) }]))
    expect(changed(await index.merge(index.pool.add(2, [{ label: 2, features: at(-simAngle(0.8)) }])))).toEqual([0])
    expect(changed(await index.merge(index.pool.add(3, [{ label: 3, features: at(simAngle(0.7)) }])))).toEqual([])
  })

  it('tells apart a list whose unanimous vote only gained weight from one whose vote or closeness changed', async () => {
    // Closeness as fusion reads it: 1 from 0.9 up, less below.
    const index = new NeighbourIndex(similarity, 2, 4, 0.5, { first: 2, window: 0.1, closeness: (sim) => Math.min(1, sim / 0.9) })
    index.addRows([at(0)])
    await index.merge(index.pool.add(1, [{ label: 7, features: at(simAngle(0.97)) }]))
    // A second entry: the list now reaches `first`, so closeness goes from 0 to 1.
    expect(await index.merge(index.pool.add(2, [{ label: 7, features: at(-simAngle(0.96)) }]))).toEqual({ changed: [0], reweighted: [] })
    // Another 7, nearer: still unanimous, the second similarity still past 0.9.
    expect(await index.merge(index.pool.add(3, [{ label: 7, features: at(simAngle(0.99)) }]))).toEqual({ changed: [], reweighted: [0] })
    // Another label within the window: the vote is split now.
    expect(await index.merge(index.pool.add(4, [{ label: 8, features: at(-simAngle(0.95)) }]))).toEqual({ changed: [0], reweighted: [] })
  })

  it('reports a change of closeness even when the vote stays unanimous', async () => {
    const index = new NeighbourIndex(similarity, 2, 4, 0.5, { first: 2, window: 0.1, closeness: (sim) => Math.min(1, sim / 0.9) })
    index.addRows([at(0)])
    await index.merge(index.pool.add(1, [{ label: 7, features: at(simAngle(0.85)) }]))
    await index.merge(index.pool.add(2, [{ label: 7, features: at(-simAngle(0.8)) }]))
    // The second similarity goes 0.8 -> 0.85: closeness 0.89 -> 0.94.
    expect(await index.merge(index.pool.add(3, [{ label: 7, features: at(simAngle(0.99)) }]))).toEqual({ changed: [0], reweighted: [] })
  })

  it('merges into the rows asked first and the rest later, to the same lists as one merge, and refuses other work between', async () => {
    const build = () => {
      const index = new NeighbourIndex(similarity, 2, 3, 0.5, { first: 1, window: 0.1, closeness: () => 1 })
      index.addRows(Array.from({ length: 40 }, (_, r) => at(r * 0.02)))
      index.pool.add(1, [0.1, 0.5].map((a, i) => ({ label: i, features: at(a) })))
      return index
    }
    const whole = build()
    const split = build()
    await whole.searchAll()
    await split.searchAll()
    const entries = (index: NeighbourIndex) => index.pool.add(2, [0.2, 0.3, 0.7].map((a, i) => ({ label: 5 + i, features: at(a) })))
    const once = await whole.merge(entries(whole))
    const first = await split.merge(entries(split), [3, 12, 30])
    expect(first.changed.every((r) => [3, 12, 30].includes(r))).toBe(true)
    // The rows not asked for have not changed yet, and nothing else may read or change the lists.
    expect(split.neighbours(20).count).toBe(whole.neighbours(20).count - 1)
    await expect(split.remove([0])).rejects.toThrow(/merge is waiting/)
    expect(() => split.saved()).toThrow(/merge is waiting/)
    const rest = await split.finishMerge()
    expect([...first.changed, ...rest.changed].sort((a, b) => a - b)).toEqual(once.changed)
    expect([...first.reweighted, ...rest.reweighted].sort((a, b) => a - b)).toEqual(once.reweighted)
    expect(split.saved()).toEqual(whole.saved())
  })

  it('keeps rows past a block, and rows added after trimming, in their place', async () => {
    const index = new NeighbourIndex(similarity, 2, 2)
    const angle = (r: number) => (r % 1000) * 1e-3
    index.addRows(Array.from({ length: 70_000 }, (_, r) => at(angle(r))))
    index.trim()
    index.addRows(Array.from({ length: 10 }, (_, i) => at(angle(70_000 + i))))
    await index.merge(index.pool.add(1, [{ label: 1, features: at(0) }]))
    for (const r of [0, 65_535, 65_536, 69_999, 70_009]) {
      const n = index.neighbours(r)
      // Rows are kept as half floats: against the entry (1, 0), exactly the row's first half.
      expect(n.sims[n.at]).toBe(fromHalfBits(toHalfBits(Math.cos(angle(r)))))
    }
    const merged = Array.from({ length: 70_010 }, (_, r) => index.neighbours(r).sims[r * 2])
    await index.searchAll()
    expect(Array.from({ length: 70_010 }, (_, r) => index.neighbours(r).sims[r * 2])).toEqual(merged)
  })
})
