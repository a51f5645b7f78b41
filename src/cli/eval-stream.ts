// `lector eval --data DIR --correct F --stream`: the simulated reviewer starts once the first 10 % of the
// batch is read and keeps correcting while recognition runs (issue 20). The folder is read twice: once as
// `eval` reads it (recognition first, then the reviewer: the reference), once streaming, where the
// reviewer makes the same corrections in the same order as far as recognition allows — a line can be
// corrected only once it is read, so each step takes the first line of the reference's order that is.
// Same corrections, different timing: the two runs' figures on the lines left should agree, and the time
// from a correction to its save and to its effect is measured while recognition runs and after.
import { basename, resolve } from 'node:path'
import type { Engine } from '../main/core/engine'
import { readLabels } from '../main/core/eval/labels'
import { compare, numbersFixed, score, type Scores } from '../main/core/eval/metrics'
import type { EventPayload } from '../shared/events'
import { percentiles, reviewBatch, type Percentiles } from './eval-reviewer'
import { describeDecision, recognize, type EvalOptions } from './eval'

/** The reviewer starts once this share of the batch is read. */
const START_AFTER = 0.1

type Timed = { reading: Percentiles; after: Percentiles }

export interface StreamReport {
  set: string
  labels: string
  lines: number
  corrected: number
  remaining: number
  selection: string
  /** The model alone on the lines left (the same lines in both runs). */
  baseline: Scores
  /** In context, the reviewer after recognition (as `eval`). */
  reference: { inContext: Scores; better: number; worse: number; decision: string }
  /** In context, the reviewer during recognition. */
  streaming: { inContext: Scores; better: number; worse: number; numbers: { fixed: number; broken: number }; decision: string }
  /** Streaming minus reference, CER points (exact, and ignoring case). */
  cerDelta: number
  cerDeltaCaseInsensitive: number
  /** Lines read when the first correction was made, and corrections made while recognition still ran. */
  startedAfterLines: number
  duringRecognition: number
  /** From the request to the correction saved (its reply), and to its effect (`correction:applied`). */
  savedMs: Timed
  appliedMs: Timed
  /** Lines whose streamed reading differs from a full recompute at the end (should be 0). */
  incrementalMismatches: number
  recognitionLinesPerSecond: { reference: number; streaming: number }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function evaluateStreaming(engine: Engine, dir: string, options: EvalOptions): Promise<StreamReport> {
  const reference = await recognize(engine, dir, options)
  const run = await reviewBatch(engine, reference.batchId, reference.lines, options)
  const place = new Map(reference.lines.map((l, i) => [l.id, i]))

  // The same files again, as a new batch: recognition starts at once.
  const labels = readLabels(dir, options.labels).slice(0, options.limit)
  const started = performance.now()
  const batch = await engine.batches.openFiles(`eval stream ${basename(resolve(dir))}`, resolve(dir), labels.map((l) => l.path))
  const batchId = batch.id
  const ids = engine.batches.readings(batchId).map((r) => r.id)
  const reading = () => engine.batches.summary(batchId).jobId !== null
  const readCount = () => engine.batches.summary(batchId).doneCount
  const isRead = async (id: number) => (await engine.review.rows([id]))[0]?.state !== 'pending'
  while (readCount() < START_AFTER * ids.length && reading()) await sleep(20)
  const startedAfterLines = readCount()

  const applied = new Map<number, { at: number; event: EventPayload<'correction:applied'> }>()
  let wake = () => {}
  const stop = engine.events.on('correction:applied', (event) => {
    applied.set(event.correctionId, { at: performance.now(), event })
    wake()
  })
  const saved = { reading: [] as number[], after: [] as number[] }
  const effect = { reading: [] as number[], after: [] as number[] }
  let duringRecognition = 0
  const pending = run.corrections.map((id) => place.get(id)!)
  try {
    while (pending.length) {
      // The first line of the reference's order that has been read; none yet: wait for the next step.
      let at = -1
      for (let k = 0; k < pending.length && at < 0; k++) if (await isRead(ids[pending[k]])) at = k
      if (at < 0) {
        await sleep(20)
        continue
      }
      const [i] = pending.splice(at, 1)
      const during = reading()
      const sent = performance.now()
      const reply = await engine.dispatch('review:correct', { lineId: ids[i], text: reference.lines[i].truth })
      if (!reply.ok) throw new Error(`correcting line ${i + 1}: ${reply.message}`)
      const savedAt = performance.now()
      const { correctionId } = reply.value as { correctionId: number }
      while (!applied.has(correctionId)) await new Promise<void>((resolve) => (wake = resolve))
      const done = applied.get(correctionId)!
      if (!done.event.update) throw new Error(`correcting line ${i + 1}: not applied: ${done.event.error}`)
      const when = during ? 'reading' : 'after'
      if (during) duringRecognition++
      saved[when].push(savedAt - sent)
      effect[when].push(done.at - sent)
      // As the reference's reviewer: the next line once this correction's calibration is in.
      await engine.review.settled(batchId)
    }
  } finally {
    stop()
  }
  await engine.batches.whenRead(batchId)
  const linesPerSecond = Math.round((ids.length / ((performance.now() - started) / 1000)) * 10) / 10
  await engine.review.settled(batchId)
  const ctx = await engine.review.context(batchId)
  const corrected = new Set(run.corrections.map((id) => place.get(id)!))
  const left = reference.lines.map((l, i) => ({ i, l })).filter(({ i }) => !corrected.has(i))
  const pairs = left.map(({ i, l }) => ({ truth: l.truth, before: l.model, after: ctx.reading(ids[i])?.text ?? l.model }))
  const streamed = left.map(({ i }) => ctx.reading(ids[i])?.text ?? null)
  await ctx.recomputeAll({ recalibrate: false })
  const incrementalMismatches = left.filter(({ i }, k) => (ctx.reading(ids[i])?.text ?? null) !== streamed[k]).length
  const inContext = score(pairs.map((p) => ({ truth: p.truth, read: p.after })))
  const round = (x: number) => Math.round(x * 100) / 100
  return {
    set: basename(resolve(dir)),
    labels: options.labels ?? 'labels.tsv',
    lines: ids.length,
    corrected: run.corrected,
    remaining: pairs.length,
    selection: options.select,
    baseline: run.baseline,
    reference: { inContext: run.inContext, better: run.better, worse: run.worse, decision: describeDecision(run.engine) },
    streaming: { inContext, ...compare(pairs), numbers: numbersFixed(pairs), decision: describeDecision(ctx.decided) },
    cerDelta: round(inContext.cer - run.inContext.cer),
    cerDeltaCaseInsensitive: round(inContext.cerCaseInsensitive - run.inContext.cerCaseInsensitive),
    startedAfterLines,
    duringRecognition,
    savedMs: { reading: percentiles(saved.reading), after: percentiles(saved.after) },
    appliedMs: { reading: percentiles(effect.reading), after: percentiles(effect.after) },
    incrementalMismatches,
    recognitionLinesPerSecond: { reference: reference.linesPerSecond, streaming: linesPerSecond },
  }
}

const ms = (p: Percentiles) => `p50 ${p.p50} ms, p95 ${p.p95} ms, max ${p.max} ms`
const pct = (x: number) => x.toFixed(2)

export function formatStreaming(r: StreamReport): string {
  return [
    `${r.set} (${r.labels}), streaming: ${r.lines} lines, ${r.corrected} corrected (${r.selection}) from when ${r.startedAfterLines} lines were read, ` +
      `${r.duringRecognition} of them while recognition ran; scores on the ${r.remaining} others`,
    `CER % (ignoring case): model alone ${pct(r.baseline.cer)} (${pct(r.baseline.cerCaseInsensitive)}); in context, reviewer after recognition ` +
      `${pct(r.reference.inContext.cer)} (${pct(r.reference.inContext.cerCaseInsensitive)}); reviewer during recognition ${pct(r.streaming.inContext.cer)} ` +
      `(${pct(r.streaming.inContext.cerCaseInsensitive)}): ${r.cerDelta >= 0 ? '+' : ''}${pct(r.cerDelta)} points`,
    `lines better / worse: after recognition ${r.reference.better} / ${r.reference.worse}, during ${r.streaming.better} / ${r.streaming.worse}; numbers fixed ${r.streaming.numbers.fixed}, broken ${r.streaming.numbers.broken}`,
    `saved (reply) while recognition ran: ${ms(r.savedMs.reading)}; after: ${ms(r.savedMs.after)}`,
    `applied (effect on the lines read) while recognition ran: ${ms(r.appliedMs.reading)}; after: ${ms(r.appliedMs.after)}`,
    `engine decided (during): ${r.streaming.decision}`,
    `lines where the streamed readings and a full recompute differ: ${r.incrementalMismatches}; recognition ${r.recognitionLinesPerSecond.reference} lines/s alone, ${r.recognitionLinesPerSecond.streaming} lines/s with the reviewer`,
  ].join('\n')
}
