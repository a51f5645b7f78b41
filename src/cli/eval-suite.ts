// `lector eval --suite DIR`: every labelled folder of DIR read once, then the simulated reviewer on copies
// of it — the whole folder at each fraction, and batches of N documents as a new user would start — so
// one command gives the table every accuracy claim is checked against.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { Engine } from '../main/core/engine'
import { readLabels } from '../main/core/eval/labels'
import { compare, numbersFixed, score, type CharacterRecall } from '../main/core/eval/metrics'
import { percentiles, reviewBatch, type EvalLine, type ReviewerRun } from './eval-reviewer'
import { describeDecision, recognize } from './eval'

/** One run of the suite: the reviewer's figures (eval-reviewer.ts), pooled over its batches. */
export interface SuiteRow
  extends Pick<
    ReviewerRun,
    'lines' | 'corrected' | 'remaining' | 'baseline' | 'inContext' | 'better' | 'worse' | 'numbers' | 'newCharacters' | 'flips' | 'curve' | 'updateMs' | 'settleMs' | 'incrementalMismatches'
  > {
  set: string
  labels: string
  /** "10 %", or "batches of 5, 10 %". */
  run: string
  batches: number
  /** Batches whose CER (exact or ignoring case) in context is above the model's. */
  worseBatches: number
  /** Batches where context ended on. */
  contextOn: number
  /** The engine's decision, for a run of one batch. */
  decision: string | null
}

/** The labelled folders of `root`: those with a labels.tsv, by name. */
function folders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'labels.tsv')))
    .map((d) => join(root, d.name))
    .sort()
}

/** Each line's document (DIR/batches.tsv: path<TAB>id), or one document for the whole folder. */
function documentsOf(dir: string, paths: string[]): string[] {
  const file = join(dir, 'batches.tsv')
  if (!existsSync(file)) return paths.map(() => 'all')
  const byPath = new Map(
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter(Boolean)
      .map((row) => {
        const [path, id] = row.split('\t')
        return [resolve(dir, path), id] as const
      }),
  )
  return paths.map((p) => byPath.get(p) ?? 'all')
}

function pool(set: string, labels: string, run: string, runs: ReviewerRun[]): SuiteRow {
  const pairs = runs.flatMap((r) => r.pairs)
  const chars = runs.map((r) => r.pairs.reduce((n, p) => n + p.truth.length, 0))
  const total = chars.reduce((a, b) => a + b, 0) || 1
  const points = Math.max(...runs.map((r) => r.curve.length))
  const curve = Array.from({ length: points }, (_, i) => {
    const sum = runs.reduce((acc, r, j) => acc + r.curve[Math.min(i, r.curve.length - 1)] * chars[j], 0)
    return Math.round((100 * sum) / total) / 100
  })
  const worseBatches = runs.filter((r) => r.inContext.cer > r.baseline.cer || r.inContext.cerCaseInsensitive > r.baseline.cerCaseInsensitive).length
  return {
    set,
    labels,
    run,
    batches: runs.length,
    lines: runs.reduce((n, r) => n + r.lines, 0),
    corrected: runs.reduce((n, r) => n + r.corrected, 0),
    remaining: pairs.length,
    baseline: score(pairs.map((p) => ({ truth: p.truth, read: p.before }))),
    inContext: score(pairs.map((p) => ({ truth: p.truth, read: p.after }))),
    ...compare(pairs),
    numbers: numbersFixed(pairs),
    newCharacters: pooledRecall(runs.map((r) => r.newCharacters)),
    worseBatches,
    contextOn: runs.filter((r) => r.engine.trust > 0).length,
    flips: runs.reduce((n, r) => n + r.flips, 0),
    decision: runs.length === 1 ? describeDecision(runs[0].engine) : null,
    curve,
    updateMs: percentiles(runs.flatMap((r) => r.times.update)),
    settleMs: percentiles(runs.flatMap((r) => r.times.settle)),
    incrementalMismatches: runs.reduce((n, r) => n + r.incrementalMismatches, 0),
  }
}

/** Runs' character recall summed per character, most frequent first. */
function pooledRecall(runs: CharacterRecall[][]): CharacterRecall[] {
  const all = new Map<string, CharacterRecall>()
  for (const r of runs.flat()) {
    const c = all.get(r.char) ?? { char: r.char, count: 0, read: 0 }
    c.count += r.count
    c.read += r.read
    all.set(r.char, c)
  }
  return [...all.values()].sort((x, y) => y.count - x.count || (x.char < y.char ? -1 : 1))
}

export async function runSuite(
  engine: Engine,
  root: string,
  options: { fractions: number[]; group: number; log?: (line: string) => void },
): Promise<SuiteRow[]> {
  const rows: SuiteRow[] = []
  for (const dir of folders(resolve(root))) {
    const set = basename(dir)
    options.log?.(`${set}: reading…`)
    const read = await recognize(engine, dir)
    const documents = documentsOf(dir, read.lines.map((l) => l.path))
    const variants = ['labels.tsv', ...(existsSync(join(dir, 'labels_normalized.tsv')) ? ['labels_normalized.tsv'] : [])]
    for (const labels of variants) {
      const truths = readLabels(dir, labels)
      // A copy of the read lines per run: the same recognition reviewed afresh each time.
      const review = async (indices: number[], correct: number) => {
        const copy = engine.batches.copyLines(`eval ${set} ${labels}`, indices.map((i) => read.lines[i].id))
        const lines: EvalLine[] = engine.batches.readings(copy.id).map((r, j) => ({
          id: r.id,
          truth: truths[indices[j]].truth,
          model: r.text ?? '',
          confidence: r.confidence ?? 0,
        }))
        return reviewBatch(engine, copy.id, lines, { correct, select: 'lowconf', seed: 1 })
      }
      const all = read.lines.map((_, i) => i)
      for (const fraction of options.fractions) {
        options.log?.(`${set} (${labels}): ${fraction * 100} %…`)
        rows.push(pool(set, labels, `${fraction * 100} %`, [await review(all, fraction)]))
      }
      const docs = [...new Set(documents)]
      if (options.group > 0 && docs.length >= 2 * options.group) {
        const fraction = options.fractions[0]
        const runs: ReviewerRun[] = []
        for (let g = 0; g < docs.length; g += options.group) {
          const mine = new Set(docs.slice(g, g + options.group))
          options.log?.(`${set} (${labels}): batch ${g / options.group + 1} of ${Math.ceil(docs.length / options.group)}, ${fraction * 100} %…`)
          runs.push(await review(all.filter((i) => mine.has(documents[i])), fraction))
        }
        rows.push(pool(set, labels, `batches of ${options.group}, ${fraction * 100} %`, runs))
      }
    }
  }
  return rows
}

export function formatSuite(rows: SuiteRow[]): string {
  const cols = ['set', 'run', 'lines', 'fixed', 'model CER', 'context CER', 'no case', 'better/worse', 'numbers +/-', 'flips', 'worse batches', 'upd p50/p95 ms', 'new characters read', 'learning curve']
  const table = rows.map((r) => [
    r.labels === 'labels.tsv' ? r.set : `${r.set} (normalised)`,
    r.run,
    String(r.lines),
    String(r.corrected),
    r.baseline.cer.toFixed(2),
    r.inContext.cer.toFixed(2),
    r.inContext.cerCaseInsensitive.toFixed(2),
    `${r.better}/${r.worse}`,
    `${r.numbers.fixed}/${r.numbers.broken}`,
    String(r.flips),
    `${r.worseBatches}/${r.batches}`,
    `${r.updateMs.p50}/${r.updateMs.p95}`,
    // The three most frequent characters the model cannot write, and the share of them context reads.
    r.newCharacters.length ? r.newCharacters.slice(0, 3).map((c) => `${c.char} ${Math.round((100 * c.read) / c.count)} %`).join(', ') : '–',
    r.curve.map((c) => c.toFixed(1)).join(' '),
  ])
  const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const notes = rows.filter((r) => r.decision).map((r) => `${r.set} ${r.labels === 'labels.tsv' ? '' : '(normalised) '}${r.run}: ${r.decision}`)
  return [line(cols), ...table.map(line), '', ...notes].join('\n')
}
