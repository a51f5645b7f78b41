import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { ContextDecision } from '../shared/api'
import { hardness } from '../shared/review-order'
import type { Engine } from '../main/core/engine'
import { compare, score, type Scores } from '../main/core/eval/metrics'
import { readLabels } from '../main/core/eval/labels'

export const evalUsage = `  eval   --data DIR [--correct F] [--select lowconf|queue|random] [--seed N] [--limit N] [--json]
         Recognize a labelled folder (DIR/labels.tsv: path<TAB>text), let a simulated reviewer correct
         the fraction F of it one line at a time through the real review loop, and score the lines left:
         the model alone (baseline) against the in-context readings. --correct 0 scores greedy and beam.`

export type Selection = 'lowconf' | 'queue' | 'random'

export interface EvalOptions {
  correct: number
  select: Selection
  seed: number
  limit?: number
}

export interface RecognitionReport {
  set: string
  lines: number
  failed: number
  provider: string
  recognitionLinesPerSecond: number
  greedy: Scores
  beam: Scores
  /** Lines beam search made better / worse than greedy. */
  beamVsGreedy: { better: number; worse: number }
}

export interface ContextReport {
  set: string
  lines: number
  corrected: number
  remaining: number
  selection: Selection
  engine: ContextDecision
  baseline: Scores
  inContext: Scores
  better: number
  worse: number
  recognitionLinesPerSecond: number
  updateMs: { p50: number; p95: number; max: number }
  /** The calibration after each correction, which runs while the reviewer reads the next line (the
   *  simulated reviewer waits for it, as one taking more than this per line would). */
  settleMs: { p50: number; p95: number; max: number }
  /** From the correction until its calibration is applied too (update and calibration, per correction). */
  untilSettledMs: { p50: number; p95: number; max: number }
  /** A full recompute of every neighbour list and reading at the end, from cached data. */
  fullRecomputeMs: number
  /** Lines whose reading after the incremental updates differs from that full recompute (should be 0). */
  incrementalMismatches: number
}

interface Line {
  id: number
  truth: string
  model: string
  greedy: string
  confidence: number
}

async function recognize(engine: Engine, dir: string, limit?: number) {
  const labels = readLabels(dir).slice(0, limit)
  const started = performance.now()
  const batch = await engine.batches.openFiles(`eval ${basename(resolve(dir))}`, resolve(dir), labels.map((l) => l.path))
  await engine.batches.whenRead(batch.id)
  const seconds = (performance.now() - started) / 1000
  const readings = engine.batches.readings(batch.id)
  const lines: Line[] = readings.map((r, i) => ({
    id: r.id,
    truth: labels[i].truth,
    model: r.text ?? '',
    greedy: r.greedyText ?? '',
    confidence: r.confidence ?? 0,
  }))
  return {
    batchId: batch.id,
    lines,
    failed: readings.filter((r) => r.error).length,
    linesPerSecond: Math.round((lines.length / seconds) * 10) / 10,
  }
}

export async function evaluateRecognition(engine: Engine, dir: string, limit?: number): Promise<RecognitionReport> {
  const { lines, failed, linesPerSecond } = await recognize(engine, dir, limit)
  return {
    set: basename(resolve(dir)),
    lines: lines.length,
    failed,
    provider: engine.status().provider.name,
    recognitionLinesPerSecond: linesPerSecond,
    greedy: score(lines.map((l) => ({ truth: l.truth, read: l.greedy }))),
    beam: score(lines.map((l) => ({ truth: l.truth, read: l.model }))),
    beamVsGreedy: compare(lines.map((l) => ({ truth: l.truth, before: l.greedy, after: l.model }))),
  }
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

export async function evaluateInContext(engine: Engine, dir: string, options: EvalOptions): Promise<ContextReport> {
  const { batchId, lines, linesPerSecond } = await recognize(engine, dir, options.limit)
  const ctx = await engine.review.context(batchId)
  const count = Math.round(options.correct * lines.length)
  const reviewed = new Set<number>()
  const updateMs: number[] = []
  const settleMs: number[] = []
  const untilSettledMs: number[] = []
  const byId = new Map(lines.map((l) => [l.id, l]))
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
  const nextInQueue = (): Line => {
    // The app's own live order: hardest first, over what the reviewer would see now.
    let best: Line | undefined
    let bestKey = Infinity
    for (const l of lines) {
      if (reviewed.has(l.id)) continue
      const reading = ctx.reading(l.id)
      const key = hardness({
        confidence: reading?.confidence ?? l.confidence,
        modelConfidence: l.confidence,
        source: reading ? 'context' : 'model',
      })
      if (key < bestKey) (bestKey = key), (best = l)
    }
    return best!
  }
  for (let i = 0; i < count; i++) {
    const line = fixedOrder ? fixedOrder[i] : nextInQueue()
    reviewed.add(line.id)
    const update = await engine.review.correct(line.id, line.truth)
    updateMs.push(update.updateMs)
    const corrected = performance.now()
    await engine.review.settled(batchId)
    settleMs.push(performance.now() - corrected)
    untilSettledMs.push(update.updateMs + settleMs[settleMs.length - 1])
  }
  // The incremental path must agree with a recompute from scratch (at the trust it decided).
  const incremental = new Map(lines.map((l) => [l.id, ctx.reading(l.id)?.text ?? null]))
  const recomputeStarted = performance.now()
  await ctx.recomputeAll({ recalibrate: false })
  const fullRecomputeMs = Math.round(performance.now() - recomputeStarted)
  const incrementalMismatches = lines.filter((l) => (ctx.reading(l.id)?.text ?? null) !== incremental.get(l.id)).length
  const remaining = lines.filter((l) => !reviewed.has(l.id) && byId.has(l.id))
  const after = remaining.map((l) => ({ truth: l.truth, before: l.model, after: ctx.reading(l.id)?.text ?? l.model }))
  const percentiles = (ms: number[]) => {
    const sorted = [...ms].sort((a, b) => a - b)
    const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10 : 0)
    return { p50: pct(0.5), p95: pct(0.95), max: pct(1) }
  }
  return {
    set: basename(resolve(dir)),
    lines: lines.length,
    corrected: count,
    remaining: remaining.length,
    selection: options.select,
    engine: ctx.decided,
    baseline: score(after.map((a) => ({ truth: a.truth, read: a.before }))),
    inContext: score(after.map((a) => ({ truth: a.truth, read: a.after }))),
    ...compare(after),
    recognitionLinesPerSecond: linesPerSecond,
    updateMs: percentiles(updateMs),
    settleMs: percentiles(settleMs),
    untilSettledMs: percentiles(untilSettledMs),
    fullRecomputeMs,
    incrementalMismatches,
  }
}

const fmt = (x: number) => x.toFixed(2).padStart(10)
const header = `${''.padEnd(12)}${['exact %', 'nocase %', 'alnum %', 'CER %', 'CER nc %'].map((h) => h.padStart(10)).join('')}`
const row = (name: string, s: Scores) =>
  `${name.padEnd(12)}${fmt(s.exact)}${fmt(s.caseInsensitive)}${fmt(s.alnumCaseInsensitive)}${fmt(s.cer)}${fmt(s.cerCaseInsensitive)}`

export function formatRecognition(r: RecognitionReport): string {
  return [
    `${r.set}: ${r.lines} lines (${r.failed} unreadable), ${r.recognitionLinesPerSecond} lines/s on ${r.provider}`,
    header,
    row('greedy', r.greedy),
    row('beam', r.beam),
    `beam vs greedy: ${r.beamVsGreedy.better} lines better, ${r.beamVsGreedy.worse} worse`,
  ].join('\n')
}

export function formatContext(r: ContextReport): string {
  const e = r.engine
  return [
    `${r.set}: ${r.lines} lines, ${r.corrected} corrected (${r.selection}), scores on the ${r.remaining} others`,
    header,
    row('model alone', r.baseline),
    row('in context', r.inContext),
    `lines better ${r.better}, worse ${r.worse}`,
    `engine decided: trust ${e.trust} (leave-one-out edits by trust ${JSON.stringify(e.errorsByTrust)} over ${e.calibrationLines} lines), pool ${e.poolEntries} frames from ${e.correctedLines} corrections (${e.unaligned} not aligned)`,
    `lexicon: bias ${e.lexiconBias} nats (leave-one-out edits by bias ${JSON.stringify(e.errorsByBias)} over ${e.lexiconCalibrationLines} lines), ${e.lexiconEntries} words`,
    `update per correction: p50 ${r.updateMs.p50} ms, p95 ${r.updateMs.p95} ms, max ${r.updateMs.max} ms; recognition ${r.recognitionLinesPerSecond} lines/s`,
    `calibration after it (while the reviewer reads on): p50 ${r.settleMs.p50} ms, p95 ${r.settleMs.p95} ms, max ${r.settleMs.max} ms; both: p50 ${r.untilSettledMs.p50} ms, p95 ${r.untilSettledMs.p95} ms, max ${r.untilSettledMs.max} ms`,
    `full recompute: ${r.fullRecomputeMs} ms; lines where incremental and full recompute differ: ${r.incrementalMismatches}`,
  ].join('\n')
}

export function parseEvalArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      correct: { type: 'string', default: '0' },
      select: { type: 'string', default: 'lowconf' },
      seed: { type: 'string', default: '1' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      db: { type: 'string' },
    },
  })
  return values
}
