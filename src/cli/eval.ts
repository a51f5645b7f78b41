// `lector eval`: recognition alone, or one simulated reviewer's run on a labelled folder (eval-reviewer.ts);
// `--suite` runs every folder several ways (eval-suite.ts).
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Engine } from '../main/core/engine'
import { compare, score, type Scores } from '../main/core/eval/metrics'
import { readLabels } from '../main/core/eval/labels'
import { scriptsIn } from '../main/core/recognize/scripts'
import { reviewBatch, type EvalLine, type ReviewerOptions, type ReviewerRun } from './eval-reviewer'

export type { Selection } from './eval-reviewer'

export const evalUsage = `  eval   --data DIR [--correct F] [--select lowconf|queue|random] [--seed N] [--limit N] [--labels FILE] [--stream] [--json]
         Recognize a labelled folder (DIR/labels.tsv: path<TAB>text), let a simulated reviewer correct
         the fraction F of it one line at a time through the real review loop, and score the lines left:
         the model alone (baseline) against the in-context readings, with the learning curve (CER of the
         rest after each tenth of the corrections). --correct 0 scores greedy and beam. --labels names
         another labels file of DIR (fraktur-dev: labels_normalized.tsv). --stream: the reviewer starts
         once 10 % of the batch is read and corrects while the rest is read (the same corrections as a
         reviewer after recognition, who runs first for comparison), with the time to each save and effect.
  eval   --suite DIR [--fractions 0.1,0.2] [--group N] [--out FILE.json]
         Every folder of DIR with a labels.tsv (and its labels_normalized.tsv, if any), read once: the
         reviewer at each fraction, and on batches of N documents (batches.tsv) at the first fraction,
         their figures pooled. One table, and all of it as JSON in FILE.`

export interface EvalOptions extends ReviewerOptions {
  limit?: number
  labels?: string
}

export interface RecognitionReport {
  set: string
  lines: number
  failed: number
  provider: string
  recognitionLinesPerSecond: number
  /** Whether the hardest lines were read again in a test-time view (recognize/views.ts; only with LECTOR_VIEWS=on). */
  views: 'on' | 'off'
  greedy: Scores
  beam: Scores
  /** Lines beam search made better / worse than greedy. */
  beamVsGreedy: { better: number; worse: number }
  /** The scripts the batch was read in: proposed from its first readings (recognize/scripts.ts). */
  scripts: string[]
  /** Lines with a CJK character: in the labels, and read so by greedy and by beam decoding. */
  cjkLines: { truth: number; greedy: number; beam: number }
}

export interface ContextReport extends Omit<ReviewerRun, 'pairs' | 'times' | 'corrections'> {
  set: string
  labels: string
  recognitionLinesPerSecond: number
}

/** A read batch of a labelled folder: its lines with their reviewer's texts, and the greedy readings. */
export interface ReadFolder {
  batchId: number
  lines: Array<EvalLine & { greedy: string; path: string }>
  failed: number
  linesPerSecond: number
}

export async function recognize(engine: Engine, dir: string, options: { limit?: number; labels?: string } = {}): Promise<ReadFolder> {
  const labels = readLabels(dir, options.labels).slice(0, options.limit)
  const started = performance.now()
  const batch = await engine.batches.openFiles(`eval ${basename(resolve(dir))}`, resolve(dir), labels.map((l) => l.path))
  await engine.batches.whenRead(batch.id)
  const seconds = (performance.now() - started) / 1000
  const readings = engine.batches.readings(batch.id)
  const lines = readings.map((r, i) => ({
    id: r.id,
    path: labels[i].path,
    truth: labels[i].truth,
    model: r.text ?? '',
    greedy: r.greedyText ?? '',
    confidence: r.confidence ?? 0,
  }))
  return { batchId: batch.id, lines, failed: readings.filter((r) => r.error).length, linesPerSecond: Math.round((lines.length / seconds) * 10) / 10 }
}

export async function evaluateRecognition(engine: Engine, dir: string, limit?: number): Promise<RecognitionReport> {
  const { lines, failed, linesPerSecond, batchId } = await recognize(engine, dir, { limit })
  return {
    set: basename(resolve(dir)),
    lines: lines.length,
    failed,
    provider: engine.status().provider.name,
    recognitionLinesPerSecond: linesPerSecond,
    views: process.env.LECTOR_VIEWS === 'on' ? 'on' : 'off',
    greedy: score(lines.map((l) => ({ truth: l.truth, read: l.greedy }))),
    beam: score(lines.map((l) => ({ truth: l.truth, read: l.model }))),
    beamVsGreedy: compare(lines.map((l) => ({ truth: l.truth, before: l.greedy, after: l.model }))),
    scripts: engine.batches.scripts.get(batchId).scripts ?? ['all'],
    cjkLines: {
      truth: lines.filter((l) => hasCjk(l.truth)).length,
      greedy: lines.filter((l) => hasCjk(l.greedy)).length,
      beam: lines.filter((l) => hasCjk(l.model)).length,
    },
  }
}

const hasCjk = (text: string) => scriptsIn(text).has('cjk')

export async function evaluateInContext(engine: Engine, dir: string, options: EvalOptions): Promise<ContextReport> {
  const read = await recognize(engine, dir, options)
  const { pairs: _pairs, times: _times, corrections: _corrections, ...run } = await reviewBatch(engine, read.batchId, read.lines, options)
  return { set: basename(resolve(dir)), labels: options.labels ?? 'labels.tsv', recognitionLinesPerSecond: read.linesPerSecond, ...run }
}

const fmt = (x: number) => x.toFixed(2).padStart(10)
const header = `${''.padEnd(12)}${['exact %', 'nocase %', 'alnum %', 'CER %', 'CER nc %'].map((h) => h.padStart(10)).join('')}`
const row = (name: string, s: Scores) =>
  `${name.padEnd(12)}${fmt(s.exact)}${fmt(s.caseInsensitive)}${fmt(s.alnumCaseInsensitive)}${fmt(s.cer)}${fmt(s.cerCaseInsensitive)}`

export function formatRecognition(r: RecognitionReport): string {
  return [
    `${r.set}: ${r.lines} lines (${r.failed} unreadable), ${r.recognitionLinesPerSecond} lines/s on ${r.provider}, test-time views ${r.views}`,
    header,
    row('greedy', r.greedy),
    row('beam', r.beam),
    `beam vs greedy: ${r.beamVsGreedy.better} lines better, ${r.beamVsGreedy.worse} worse`,
    `read in: ${r.scripts.join(', ')}; lines with a CJK character: labels ${r.cjkLines.truth}, greedy ${r.cjkLines.greedy}, beam ${r.cjkLines.beam}`,
  ].join('\n')
}

/** What the engine decided, in a few words: whether context acts and on what evidence, and the lexicon. */
export function describeDecision(e: ContextReport['engine']): string {
  const gate = e.gate
  const evidence = gate ? `, corrections read better by context ${gate.better} / worse ${gate.worse}, gate fitted on ${gate.examples} units` : ''
  return `context ${e.trust > 0 ? 'on' : 'off'}${evidence} (edits of the corrected lines before correction: model ${e.errorsByTrust['0'] ?? '–'}, context ${e.errorsByTrust['1'] ?? '–'})`
}

/** "ſ 1094/1261 (86.8 %), ß …", or "none in the lines left". */
function formatRecall(recall: ContextReport['newCharacters']): string {
  if (!recall.length) return 'none in the lines left'
  return recall.map((c) => `${c.char} ${c.read}/${c.count} (${((100 * c.read) / c.count).toFixed(1)} %)`).join(', ')
}

export function formatContext(r: ContextReport): string {
  const e = r.engine
  return [
    `${r.set} (${r.labels}): ${r.lines} lines, ${r.corrected} corrected (${r.selection}), scores on the ${r.remaining} others`,
    header,
    row('model alone', r.baseline),
    row('in context', r.inContext),
    `lines better ${r.better}, worse ${r.worse}; lines with numbers fixed ${r.numbers.fixed}, broken ${r.numbers.broken}`,
    `characters the model cannot write, read in context: ${formatRecall(r.newCharacters)}`,
    `learning curve (CER % of the rest, after each tenth of the corrections): ${r.curve.join(' ')}; lines that went back to an earlier reading: ${r.flips}`,
    `order (wrong lines of the model's readings, ${r.order.followed.wrong}): found in the first 10 % ${r.order.followed.recall10} % (confidence order ${r.order.confidence.recall10} %), first 20 % ${r.order.followed.recall20} % (${r.order.confidence.recall20} %); reviewed to find 80 %: ${r.order.followed.effort80} % of the lines (${r.order.confidence.effort80} %)`,
    `errors as the reviewer met them (shown when reached, or left at the end: ${r.order.met.wrong}): in the first 10 % ${r.order.met.recall10} %, 20 % ${r.order.met.recall20} %, 80 % of them by ${r.order.met.effort80} % of the lines`,
    `left wrong in the whole batch: ${r.left.wrongLines} lines, ${r.left.edits} character edits (${((100 * r.left.edits) / Math.max(1, r.left.chars)).toFixed(2)} % of its characters)`,
    `probably still wrong, estimated / true, after each tenth: ${r.estimate.map((p) => `${Math.round(p.estimated)}/${p.wrong}`).join(' ')}`,
    `engine decided: ${describeDecision(e)}; pool ${e.poolEntries} frames from ${e.correctedLines} corrections (${e.unaligned} not aligned)`,
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
      suite: { type: 'string' },
      correct: { type: 'string', default: '0' },
      select: { type: 'string', default: 'lowconf' },
      seed: { type: 'string', default: '1' },
      limit: { type: 'string' },
      labels: { type: 'string' },
      fractions: { type: 'string', default: '0.1,0.2' },
      group: { type: 'string', default: '5' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      stream: { type: 'boolean' },
      db: { type: 'string' },
    },
  })
  return values
}
