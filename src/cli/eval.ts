import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Engine } from '../main/core/engine'
import { compare, score, type Scores } from '../main/core/eval/metrics'
import { readLabels } from '../main/core/eval/labels'

export const evalUsage = `  eval   --data DIR [--limit N] [--json] [--db FILE]
         Read a labelled folder (DIR/labels.tsv: path<TAB>text) and print exact, case-insensitive and
         letters-and-digits accuracy and CER, for greedy and beam decoding.`

export interface EvalReport {
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

export async function evaluate(engine: Engine, dir: string, limit?: number): Promise<EvalReport> {
  const labels = readLabels(dir).slice(0, limit)
  const started = performance.now()
  const batch = engine.batches.openFiles(`eval ${basename(resolve(dir))}`, resolve(dir), labels.map((l) => l.path))
  await engine.batches.whenRead(batch.id)
  const seconds = (performance.now() - started) / 1000
  const readings = engine.batches.readings(batch.id)
  const rows = readings.map((r, i) => ({ truth: labels[i].truth, greedy: r.greedyText ?? '', beam: r.text ?? '' }))
  return {
    set: basename(resolve(dir)),
    lines: rows.length,
    failed: readings.filter((r) => r.error).length,
    provider: engine.status().provider.name,
    recognitionLinesPerSecond: Math.round((rows.length / seconds) * 10) / 10,
    greedy: score(rows.map((r) => ({ truth: r.truth, read: r.greedy }))),
    beam: score(rows.map((r) => ({ truth: r.truth, read: r.beam }))),
    beamVsGreedy: compare(rows.map((r) => ({ truth: r.truth, before: r.greedy, after: r.beam }))),
  }
}

export function formatReport(r: EvalReport): string {
  const row = (name: string, s: Scores) =>
    `${name.padEnd(8)}${fmt(s.exact)}${fmt(s.caseInsensitive)}${fmt(s.alnumCaseInsensitive)}${fmt(s.cer)}${fmt(s.cerCaseInsensitive)}`
  return [
    `${r.set}: ${r.lines} lines (${r.failed} unreadable), ${r.recognitionLinesPerSecond} lines/s on ${r.provider}`,
    `${''.padEnd(8)}${['exact %', 'nocase %', 'alnum %', 'CER %', 'CER nc %'].map((h) => h.padStart(10)).join('')}`,
    row('greedy', r.greedy),
    row('beam', r.beam),
    `beam vs greedy: ${r.beamVsGreedy.better} lines better, ${r.beamVsGreedy.worse} worse`,
  ].join('\n')
}

const fmt = (x: number) => x.toFixed(2).padStart(10)

export function parseEvalArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      correct: { type: 'string', default: '0' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      db: { type: 'string' },
    },
  })
  return values
}
