// The simulated reviewer: corrects a share of a read batch one line at a time through the real review
// loop (the same calls the app makes), and scores the lines it left — the model alone against what the
// reviewer would see — with the learning curve and the time each correction took to show.
import { distance } from 'fastest-levenshtein'
import type { ContextDecision } from '../shared/api'
import type { Engine } from '../main/core/engine'
import { characterRecall, compare, numbersFixed, score, type CharacterRecall, type Scores } from '../main/core/eval/metrics'
import { orderQuality, type OrderQuality } from '../main/core/eval/order-quality'

export type Selection = 'lowconf' | 'queue' | 'random'

export interface ReviewerOptions {
  correct: number
  select: Selection
  seed: number
}

/** A line of the batch: its id, the reviewer's text for it, and what the model read. */
export interface EvalLine {
  id: number
  truth: string
  model: string
  confidence: number
}

export type Percentiles = { p50: number; p95: number; max: number }

export interface ReviewerRun {
  lines: number
  corrected: number
  remaining: number
  selection: Selection
  engine: ContextDecision
  baseline: Scores
  inContext: Scores
  better: number
  worse: number
  /** Lines whose numbers (digit runs with their separators) the reading got right / wrong that the model had not. */
  numbers: { fixed: number; broken: number }
  /** Per character of the lines left that the model cannot write (ſ, ß, aͤ): how many there are, and how many context reads. */
  newCharacters: CharacterRecall[]
  /** CER % of the lines left, before the first correction and after each tenth of them. */
  curve: number[]
  /** Times a line not yet corrected went back to a reading it had shown before (A → B → A) as the pool grew. */
  flips: number
  updateMs: Percentiles
  /** The calibration after each correction, which runs while the reviewer reads the next line (the
   *  simulated reviewer waits for it, as one taking more than this per line would). */
  settleMs: Percentiles
  /** From the correction until its calibration is applied too (update and calibration, per correction). */
  untilSettledMs: Percentiles
  /** A full recompute of every neighbour list and reading at the end, from cached data. */
  fullRecomputeMs: number
  /** Lines whose reading after the incremental updates differs from that full recompute (should be 0). */
  incrementalMismatches: number
  /**
   * How well the order found the batch's wrong lines. `followed` and `confidence`: the model's readings that
   * differ from the truth, in the order the reviewer followed (its corrections, then the rest as the review
   * list showed it at the end) and in the model's confidence alone, lowest first (the order before the
   * self-evaluation). `met`: the errors as the reviewer met them — a reviewed line wrong as it was shown
   * when reached, a line left wrong as it is shown at the end (context fixes some lines before anyone
   * reaches them, and an order that leaves those for later loses nothing): compare it across `--select`.
   */
  order: { followed: OrderQuality; confidence: OrderQuality; met: OrderQuality }
  /**
   * The review header's "probably still wrong" against the truth (lines not reviewed whose shown text is
   * wrong), before the first correction and after each tenth of them.
   */
  estimate: Array<{ corrected: number; estimated: number; wrong: number }>
  /** What the whole batch still holds wrong at the end (reviewed lines are right): lines, and edits in characters. */
  left: { wrongLines: number; edits: number; chars: number }
  /** Per line left: the truth, the model's reading, the reading after the corrections. */
  pairs: Array<{ truth: string; before: string; after: string }>
  /** Each correction's update and calibration, ms (to pool runs). */
  times: { update: number[]; settle: number[] }
  /** The lines corrected, in the order they were (to make the same corrections in another run). */
  corrections: number[]
}

/** A small seeded generator (mulberry32) so `--select random --seed N` is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function percentiles(ms: number[]): Percentiles {
  const sorted = [...ms].sort((a, b) => a - b)
  const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10 : 0)
  return { p50: pct(0.5), p95: pct(0.95), max: pct(1) }
}

export async function reviewBatch(engine: Engine, batchId: number, lines: EvalLine[], options: ReviewerOptions): Promise<ReviewerRun> {
  const ctx = await engine.review.context(batchId)
  const count = Math.round(options.correct * lines.length)
  const reviewed = new Set<number>()
  const updateMs: number[] = []
  const settleMs: number[] = []
  const untilSettledMs: number[] = []
  const fixedOrder =
    options.select === 'lowconf'
      ? [...lines].sort((a, b) => a.confidence - b.confidence || a.id - b.id)
      : options.select === 'random'
        ? (() => {
            const rand = random(options.seed)
            const shuffled = [...lines]
            for (let i = shuffled.length - 1; i > 0; i--) {
              const j = Math.floor(rand() * (i + 1))
              ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
            }
            return shuffled
          })()
        : null
  const byId = new Map(lines.map((l) => [l.id, l]))
  // The app's own live order: the review list, hardest first, over what the reviewer would see now.
  const hardest = () => engine.review.index.ids({ batchId, order: 'hardest', filter: 'unreviewed', search: '' })
  const nextInQueue = async (): Promise<EvalLine> => {
    for (const id of await hardest()) {
      const l = byId.get(id)
      if (l && !reviewed.has(id)) return l
    }
    throw new Error('no line left to review')
  }
  const followed: number[] = []
  const wrongWhenMet = new Map<number, boolean>()
  const shown = (l: EvalLine) => ctx.reading(l.id)?.text ?? l.model
  const estimate: ReviewerRun['estimate'] = []
  const estimateNow = async () => {
    const { probablyWrong } = await engine.review.index.totals(batchId)
    const wrong = lines.filter((l) => !reviewed.has(l.id) && shown(l) !== l.truth).length
    estimate.push({ corrected: reviewed.size, estimated: Math.round(probablyWrong * 10) / 10, wrong })
  }
  await estimateNow()
  const order = fixedOrder ? fixedOrder.slice(0, count) : null
  // The learning curve is taken on the lines the reviewer leaves at the end, known in advance for a fixed
  // order; for the live queue, on the lines not corrected at each point.
  const chosen = new Set(order?.map((l) => l.id))
  const left = order ? lines.filter((l) => !chosen.has(l.id)) : null
  const restCer = () => {
    let edits = 0
    let chars = 0
    for (const l of left ?? lines.filter((l) => !reviewed.has(l.id))) {
      edits += distance(l.truth, ctx.reading(l.id)?.text ?? l.model)
      chars += l.truth.length
    }
    return Math.round((10000 * edits) / Math.max(1, chars)) / 100
  }
  const curve = [restCer()]
  // Each line's readings so far (for lines that changed at all), to count returns to an earlier one.
  const seen = new Map<number, { last: string; before: Set<string> }>()
  let flips = 0
  const track = () => {
    for (const l of lines) {
      if (reviewed.has(l.id)) continue
      const text = ctx.reading(l.id)?.text ?? l.model
      const s = seen.get(l.id)
      if (!s) {
        if (text !== l.model) seen.set(l.id, { last: text, before: new Set([l.model]) })
        continue
      }
      if (text === s.last) continue
      if (s.before.has(text)) flips++
      s.before.add(s.last)
      s.last = text
    }
  }
  for (let i = 0; i < count; i++) {
    const line = order ? order[i] : await nextInQueue()
    wrongWhenMet.set(line.id, shown(line) !== line.truth)
    reviewed.add(line.id)
    followed.push(line.id)
    const update = await engine.review.correct(line.id, line.truth).applied
    updateMs.push(update.updateMs)
    const corrected = performance.now()
    await engine.review.settled(batchId)
    settleMs.push(performance.now() - corrected)
    untilSettledMs.push(update.updateMs + settleMs[settleMs.length - 1])
    track()
    if (Math.floor(((i + 1) * 10) / count) !== Math.floor((i * 10) / count)) {
      curve.push(restCer())
      await estimateNow()
    }
  }
  // The whole order: what the reviewer went through, then the rest as the list shows it now.
  const rest = Array.from(await hardest()).filter((id) => byId.has(id) && !reviewed.has(id))
  const modelWrong = (id: number) => byId.get(id)!.model !== byId.get(id)!.truth
  const byConfidence = [...lines].sort((a, b) => a.confidence - b.confidence || a.id - b.id)
  const orders = {
    followed: orderQuality([...followed, ...rest].map(modelWrong)),
    confidence: orderQuality(byConfidence.map((l) => modelWrong(l.id))),
    met: orderQuality([...followed, ...rest].map((id) => wrongWhenMet.get(id) ?? shown(byId.get(id)!) !== byId.get(id)!.truth)),
  }
  // The incremental path must agree with a recompute from scratch (with the decision it reached).
  const incremental = new Map(lines.map((l) => [l.id, ctx.reading(l.id)?.text ?? null]))
  const recomputeStarted = performance.now()
  await ctx.recomputeAll({ recalibrate: false })
  const fullRecomputeMs = Math.round(performance.now() - recomputeStarted)
  const incrementalMismatches = lines.filter((l) => (ctx.reading(l.id)?.text ?? null) !== incremental.get(l.id)).length
  const pairs = lines.filter((l) => !reviewed.has(l.id)).map((l) => ({ truth: l.truth, before: l.model, after: ctx.reading(l.id)?.text ?? l.model }))
  const leftWrong = {
    wrongLines: pairs.filter((p) => p.after !== p.truth).length,
    edits: pairs.reduce((n, p) => n + distance(p.truth, p.after), 0),
    chars: lines.reduce((n, l) => n + l.truth.length, 0),
  }
  return {
    lines: lines.length,
    corrected: count,
    left: leftWrong,
    remaining: pairs.length,
    selection: options.select,
    engine: ctx.decided,
    baseline: score(pairs.map((a) => ({ truth: a.truth, read: a.before }))),
    inContext: score(pairs.map((a) => ({ truth: a.truth, read: a.after }))),
    ...compare(pairs),
    numbers: numbersFixed(pairs),
    newCharacters: characterRecall(
      pairs.map((p) => ({ truth: p.truth, read: p.after })),
      (g) => g !== ' ' && engine.recognizer.alphabet.indexOf(g) < 0,
    ),
    curve,
    order: orders,
    estimate,
    flips,
    updateMs: percentiles(updateMs),
    settleMs: percentiles(settleMs),
    untilSettledMs: percentiles(untilSettledMs),
    fullRecomputeMs,
    incrementalMismatches,
    pairs,
    times: { update: updateMs, settle: settleMs },
    corrections: followed,
  }
}
