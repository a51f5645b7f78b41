// npm run bench -- recognize [--lines N] [--provider cpu] [--no-gutenye]
// Prints, per set of line crops: end-to-end lines/s (decode + preprocess + model + decode + cache write),
// the bare ONNX session's lines/s on the same tensors and batches (the ceiling), their ratio, peak memory,
// cache bytes per 1,000 lines, and @gutenye/ocr-node reading the same crops.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import ort from 'onnxruntime-node'
import { createEngine } from '../src/main/core/engine'
import { readLabels } from '../src/main/core/eval/labels'
import { loadRecModel } from '../src/main/core/model/manifest'
import { packBatch, prepareLine, splitLongLine, type PreparedLine } from '../src/main/core/recognize/preprocess'
import { openRecSession } from '../src/main/core/recognize/recognizer'
import { renderLines, type FontName } from '../tests/fixtures/render-lines'

interface SetResult {
  set: string
  lines: number
  endToEnd: number
  bare: number
  ratio: number
  cacheMiBPer1000: number
  gutenye: number | null
  peakRssMiB: number
}

const words = 'TOTAL CASH CHANGE ROUNDING GST QTY ITEM PRICE Invoice Receipt No. Date Time Cashier Thank you please come again SDN BHD Jalan Taman'.split(' ')

/** Receipt-like generated lines: deterministic, 3 fonts, 1–6 words and numbers. */
function generatedTexts(n: number): Array<{ file: string; text: string; font: FontName }> {
  let seed = 7
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const fonts: FontName[] = ['sans', 'serif', 'mono']
  return Array.from({ length: n }, (_, i) => {
    const parts = Array.from({ length: 1 + Math.floor(rand() * 5) }, () =>
      rand() < 0.3 ? (rand() * 1000).toFixed(2) : words[Math.floor(rand() * words.length)],
    )
    return { file: `g${String(i).padStart(5, '0')}.png`, text: parts.join(' '), font: fonts[i % 3] }
  })
}

async function bareSessionRate(paths: string[], provider: string, batchSize: number): Promise<number> {
  const model = loadRecModel()
  const { session, fetches } = await openRecSession(model, [provider])
  const spec = model.manifest.preprocess
  const lines: PreparedLine[] = []
  for (const p of paths) {
    const line = await prepareLine(p, spec).catch(() => null)
    if (line) lines.push(...splitLongLine(line, spec).map((piece) => piece.line))
  }
  // The same grouping the engine uses: by bucket width, in batches of the provider's size.
  const byBucket = new Map<number, PreparedLine[]>()
  for (const l of lines) byBucket.set(l.bucket, [...(byBucket.get(l.bucket) ?? []), l])
  const batches: Array<{ tensor: ort.Tensor }> = []
  for (const [bucket, group] of byBucket) {
    for (let i = 0; i < group.length; i += batchSize) {
      const part = group.slice(i, i + batchSize)
      batches.push({ tensor: new ort.Tensor('float32', packBatch(part, spec.height, bucket), [part.length, 3, spec.height, bucket]) })
    }
  }
  const started = performance.now()
  for (const b of batches) await session.run({ [model.manifest.input]: b.tensor }, fetches)
  const seconds = (performance.now() - started) / 1000
  await session.release()
  return paths.length / seconds
}

/** What is used here of @gutenye/ocr-node's image and ocr-common's models modules (not in their exports). */
type GutenyeImages = { ImageRaw: { open(path: string): Promise<{ width: number; height: number }> } }
type GutenyeModels = { Recognition: { create(options: object): Promise<{ run(lines: Array<{ image: unknown; box: number[][] }>): Promise<unknown> }> } }

async function gutenyeRate(paths: string[]): Promise<number | null> {
  try {
    const imageRaw: string = '@gutenye/ocr-node/build/ImageRaw.js' // not in the package's exports: untyped
    const { ImageRaw } = (await import(imageRaw).catch(() =>
      import(resolve('node_modules/@gutenye/ocr-node/build/ImageRaw.js')),
    )) as GutenyeImages
    await import('@gutenye/ocr-node') // registers its Node backend
    const { Recognition } = (await import(resolve('node_modules/@gutenye/ocr-common/build/models/index.js'))) as GutenyeModels
    const recognition = await Recognition.create({})
    const started = performance.now()
    for (const p of paths) {
      const image = await ImageRaw.open(p)
      await recognition.run([{ image, box: [[0, 0], [image.width, 0], [image.width, image.height], [0, image.height]] }])
    }
    return paths.length / ((performance.now() - started) / 1000)
  } catch (err) {
    console.error(`@gutenye/ocr-node could not run: ${(err as Error).message}`)
    return null
  }
}

async function benchSet(set: string, paths: string[], providers: string[] | undefined, withGutenye: boolean): Promise<SetResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lector-bench-'))
  const engine = await createEngine({ libraryPath: join(dir, 'library.db'), host: 'cli', providers })
  const started = performance.now()
  const batch = await engine.batches.openFiles(set, dir, paths)
  await engine.batches.whenRead(batch.id)
  const endToEnd = paths.length / ((performance.now() - started) / 1000)
  const peakRssMiB = process.resourceUsage().maxRSS / 1024
  const provider = engine.recognizer.provider
  const batchSize = engine.recognizer.batchSize
  await engine.close()
  const Database = (await import('better-sqlite3')).default
  const db = new Database(join(dir, 'library.db'), { readonly: true })
  const bytes = db
    .prepare(
      `SELECT (SELECT sum(length(features) + length(top_index) + length(top_prob) + length(blank)) FROM reading_frames) +
              (SELECT sum(coalesce(length(char_confidences),0) + length(text) + coalesce(length(greedy_text),0)) FROM readings)`,
    )
    .pluck()
    .get() as number
  db.close()
  const bare = await bareSessionRate(paths, provider, batchSize)
  const gutenye = withGutenye ? await gutenyeRate(paths) : null
  return {
    set,
    lines: paths.length,
    endToEnd,
    bare,
    ratio: endToEnd / bare,
    cacheMiBPer1000: (bytes / paths.length) * 1000 / 2 ** 20,
    gutenye,
    peakRssMiB,
  }
}

export async function benchRecognize(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { lines: { type: 'string', default: '1000' }, provider: { type: 'string' }, 'no-gutenye': { type: 'boolean' }, data: { type: 'string' } },
  })
  const n = Number(values.lines)
  const providers = values.provider ? values.provider.split(',') : undefined
  const sets: Array<[string, string[]]> = []
  const genDir = join(tmpdir(), `lector-bench-lines-${n}`)
  const generated = generatedTexts(n)
  if (!existsSync(join(genDir, generated[generated.length - 1].file))) await renderLines(genDir, generated)
  sets.push([`generated (${n})`, generated.map((g) => join(genDir, g.file))])
  const sroie = resolve(values.data ?? join(import.meta.dirname, '../../shared/data/sroie-dev'))
  if (existsSync(join(sroie, 'labels.tsv'))) sets.push(['sroie-dev', readLabels(sroie).map((l) => l.path)])
  else console.log(`(${sroie} not found: only generated lines)`)

  const results: SetResult[] = []
  for (const [name, paths] of sets) {
    console.error(`benchmarking ${name}: ${paths.length} lines…`)
    results.push(await benchSet(name, paths, providers, !values['no-gutenye']))
  }
  console.log(`\nrecognition on ${providers?.join(',') ?? 'the default provider'} — ${new Date().toISOString()}`)
  console.table(
    results.map((r) => ({
      set: r.set,
      lines: r.lines,
      'end-to-end lines/s': r.endToEnd.toFixed(1),
      'bare session lines/s': r.bare.toFixed(1),
      'ratio %': (100 * r.ratio).toFixed(1),
      '@gutenye/ocr-node lines/s': r.gutenye?.toFixed(1) ?? 'n/a',
      'cache MiB / 1000 lines': r.cacheMiBPer1000.toFixed(2),
      'peak RSS MiB': r.peakRssMiB.toFixed(0),
    })),
  )
}
