import { describe, expect, it } from 'vitest'
import { insertSyntheticBatch, seeded } from '../../../../tests/fixtures/synthetic-batch'
import { createEventBus } from '../event-bus'
import { openLibrary } from '../store/db'
import { createLineIndex } from './listing'
import { readingSignals, SelfCheck } from './self-check'

/**
 * A batch with a convention no model score shows: its reviewer writes everything in lower case, so each
 * line the model read in capitals (a third of them) is wrong, whatever its confidence. The prior cannot
 * tell these lines from the right ones (it is fitted ignoring case: case is each batch's own convention).
 */
function conventionBatch(count: number, seed = 3) {
  const random = seeded(seed)
  const words = ['total', 'cash', 'change', 'amount', 'invoice', 'receipt', 'thank you', 'date']
  return Array.from({ length: count }, (_, i) => {
    const capitals = random() < 1 / 3
    const printed = `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]} ${i}`
    return { text: capitals ? printed.toUpperCase() : printed, truth: printed, confidence: 0.7 + random() * 0.3, wrong: capitals }
  })
}

/** The share of (wrong, right) pairs the probabilities put in the right order (the ROC area). */
function rankedAbove(p: number[], wrong: boolean[]): number {
  let pairs = 0
  let right = 0
  p.forEach((pw, i) => {
    if (!wrong[i]) return
    p.forEach((pr, j) => {
      if (wrong[j]) return
      pairs++
      right += pw > pr ? 1 : pw === pr ? 0.5 : 0
    })
  })
  return right / pairs
}

describe('the self-check', () => {
  it("ranks a batch's wrong lines above its right ones after a few of its corrections, where the prior could not tell them", () => {
    const lines = conventionBatch(300)
    const check = new SelfCheck()
    check.countWords(lines.map((l) => l.text))
    const x = lines.map((l) => check.features(l.text, readingSignals(l.text, Array.from(l.text, () => l.confidence), l.confidence)))
    const wrong = lines.map((l) => l.wrong)
    expect(rankedAbove(x.map((v) => check.orderProbability(v)), wrong)).toBeLessThan(0.6)
    // The reviewer goes hardest first, as the self-check orders them, and the check is fitted as it goes.
    const reviewed: number[] = []
    while (reviewed.length < 15) {
      const p = x.map((v) => check.orderProbability(v))
      const next = p.map((_, i) => i).filter((i) => !reviewed.includes(i)).sort((a, b) => p[b] - p[a] || a - b)[0]
      reviewed.push(next)
      check.refit(reviewed.map((i) => ({ x: x[i], wrong: wrong[i] })))
    }
    const left = lines.map((_, i) => i).filter((i) => !reviewed.includes(i))
    // From chance (0.54) to 0.88: the model's own signals keep their weight, so a line read in capitals
    // surely may still rank below one read unsure.
    expect(rankedAbove(left.map((i) => check.orderProbability(x[i])), left.map((i) => wrong[i]))).toBeGreaterThan(0.85)
  })

  it('judges a line by how it differs from its batch: a batch of words each read once is not judged likelier wrong for it', () => {
    // The same readings, in a batch where each word comes once (a list of unrelated words) and in one where
    // every word comes twice: their words are rare in the first and common in the second, for every line.
    const words = ['harbour', 'invoice', 'kestrel', 'lantern', 'meadow', 'orchard', 'pebble', 'quartz', 'saddle', 'timber']
    const signals = readingSignals('x', [0.9], 0.9)
    const probabilities = (texts: string[]) => {
      const check = new SelfCheck()
      check.countWords(texts)
      return texts.map((t) => check.probability(check.features(t, { ...signals, chars: t.length })))
    }
    const once = probabilities(words)
    const twice = probabilities([...words, ...words]).slice(0, words.length)
    once.forEach((p, i) => expect(p).toBeCloseTo(twice[i], 9))
    // Within a batch, a word read nowhere else still counts against its line.
    const mixed = probabilities(['harbour', 'harbour', 'invoice', 'invoice', 'kestrel'])
    expect(mixed[4]).toBeGreaterThan(mixed[0])
  })

  it('is fitted again only once the labelled lines grew or shrank by a quarter', () => {
    const check = new SelfCheck()
    expect(check.due(4)).toBe(false)
    expect(check.due(5)).toBe(true)
    const example = { x: new Float64Array(check.weights.length).fill(0.5), wrong: true }
    expect(check.refit(Array.from({ length: 8 }, () => example))).toBe(true)
    expect(check.fittedOn).toBe(8)
    expect([check.due(9), check.due(10), check.due(6), check.due(7)]).toEqual([false, true, true, false])
    // Back under the first fit's count (undo): the prior again.
    expect(check.refit(Array.from({ length: 3 }, () => example))).toBe(true)
    expect(check.fittedOn).toBe(0)
  })
})

describe("the batch's estimate of lines probably still wrong", () => {
  it('counts about as many as the generated batch has left, once a sample of it is reviewed', async () => {
    const db = openLibrary(':memory:')
    const events = createEventBus()
    // Readings wrong as often as the prior says such readings are (a character changed), and a convention
    // it cannot know: the lines read in capitals are all wrong (the batch is transcribed in lower case).
    const random = seeded(11)
    const printed = conventionBatch(400, 11)
    const check = new SelfCheck()
    check.countWords(printed.map((l) => l.text))
    const lines = printed.map((l) => {
      const p = check.probability(check.features(l.text, readingSignals(l.text, Array.from(l.text, () => l.confidence), l.confidence)))
      const misread = !l.wrong && random() < p
      return misread ? { ...l, truth: `${l.truth}x`, wrong: true } : l
    })
    const { batchId, ids } = insertSyntheticBatch(db, 'convention', lines)
    const index = createLineIndex({ db, events, contextOf: () => undefined })
    // The reviewer looks at every fourth line: types the wrong ones, accepts the right ones.
    const reviewed = ids.filter((_, i) => i % 4 === 0)
    const correction = db.prepare('INSERT INTO corrections (line_id, text, kind) VALUES (?, ?, ?)')
    for (const id of reviewed) {
      const line = lines[ids.indexOf(id)]
      correction.run(id, line.truth, line.wrong ? 'typed' : 'accepted')
    }
    events.emit('lines:changed', { batchId, ids: reviewed })
    const left = lines.filter((_, i) => i % 4 !== 0 && lines[i].wrong).length
    const { probablyWrong, reviewed: counted } = await index.totals(batchId)
    expect(counted).toBe(100)
    expect(left).toBeGreaterThan(60)
    expect(Math.abs(probablyWrong - left) / left).toBeLessThan(0.2)
    // It is the sum of what the listing holds per line not reviewed.
    const entries = await index.entries(batchId)
    const sum = entries.filter((e) => e.source !== 'human').reduce((a, e) => a + e.wrong, 0)
    expect(probablyWrong).toBeCloseTo(sum, 6)
    index.close()
  })
})
