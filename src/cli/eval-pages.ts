// `lector eval-pages`: whole pages in, lines out. Scores the detector against labelled line quads
// (precision / recall / F1 at polygon IoU ≥ 0.5, one-to-one greedy matching), then reads the matched
// crops with the project's recognizer (end to end), and runs @gutenye/ocr-node — a JS port of
// PaddleOCR's pipeline with the same models — on the same pages as the reference.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { loadDetector } from '../main/core/detect/detector'
import { detectionScores, matchLines, type Polygon } from '../main/core/eval/match-lines'
import { score, type Scores } from '../main/core/eval/metrics'
import type { RasterPage } from '../main/core/pages/types'
import { loadRecognizer } from '../main/core/recognize/recognizer'

export const evalPagesUsage = `  eval-pages --data DIR [--limit N] [--json] [--no-reference]
         Detect lines on labelled pages (DIR/pages/pages.jsonl: {page, lines: [{quad, text}]}) and score
         detection (precision, recall, F1 at IoU 0.5) and end to end (matched lines read by the recognizer),
         beside @gutenye/ocr-node (PaddleOCR's pipeline ported to JS, same models) as the reference.`

export function parseEvalPagesArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      'no-reference': { type: 'boolean' },
    },
  })
  return values
}

interface LabelledPage {
  page: string
  lines: Array<{ quad: Polygon; text: string }>
}

export interface SystemScores {
  name: string
  provider?: string
  pages: number
  truthLines: number
  foundLines: number
  matched: number
  detection: { precision: number; recall: number; f1: number }
  /** Matched lines only: the recognizer's reading against the label. */
  endToEnd: Scores
  pagesPerSecond: { detection: number; endToEnd: number }
}

export interface PagesReport {
  set: string
  ours: SystemScores
  reference?: SystemScores
}

/** What one system gives for a page: its quads (page pixels) and a reader for them. */
interface System {
  name: string
  provider?: string
  detect(path: string): Promise<{ quads: Polygon[]; read(): Promise<string[]> }>
  release(): Promise<void>
}

export async function evaluatePages(dir: string, options: { limit?: number; reference?: boolean } = {}): Promise<PagesReport> {
  const pages = readPages(dir).slice(0, options.limit)
  const ours = await scoreSystem(await lectorSystem(), dir, pages)
  const reference = options.reference === false ? undefined : await scoreSystem(await referenceSystem(), dir, pages)
  return { set: basename(resolve(dir)), ours, reference }
}

function readPages(dir: string): LabelledPage[] {
  const text = readFileSync(join(dir, 'pages', 'pages.jsonl'), 'utf8')
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledPage)
}

async function scoreSystem(system: System, dir: string, pages: LabelledPage[]): Promise<SystemScores> {
  let detectMs = 0
  let readMs = 0
  let truthLines = 0
  let foundLines = 0
  const pairs: Array<{ truth: string; read: string }> = []
  try {
    for (const labelled of pages) {
      const t0 = performance.now()
      const found = await system.detect(join(dir, labelled.page))
      const t1 = performance.now()
      const texts = await found.read()
      readMs += performance.now() - t1
      detectMs += t1 - t0
      const matches = matchLines(
        labelled.lines.map((l) => l.quad),
        found.quads,
      )
      truthLines += labelled.lines.length
      foundLines += found.quads.length
      for (const m of matches) pairs.push({ truth: labelled.lines[m.truth].text, read: texts[m.found] ?? '' })
    }
  } finally {
    await system.release()
  }
  const rate = (ms: number) => Math.round((pages.length / (ms / 1000)) * 100) / 100
  return {
    name: system.name,
    provider: system.provider,
    pages: pages.length,
    truthLines,
    foundLines,
    matched: pairs.length,
    detection: detectionScores(pairs.length, truthLines, foundLines),
    endToEnd: score(pairs),
    pagesPerSecond: { detection: rate(detectMs), endToEnd: rate(detectMs + readMs) },
  }
}

/** Lector: decode with sharp (EXIF applied), detect, then read every crop with the recognizer. */
async function lectorSystem(): Promise<System> {
  const [detector, recognizer] = await Promise.all([loadDetector(), loadRecognizer()])
  return {
    name: 'lector',
    provider: detector.provider,
    async detect(path) {
      const { data, info } = await sharp(path).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true })
      const page: RasterPage = { width: info.width, height: info.height, channels: 3, data }
      const lines = await detector.detect(page)
      return {
        quads: lines.map((l) => l.quad),
        async read() {
          const results = await recognizer.read(lines.map((l) => l.crop))
          return results.map((r) => (r.ok ? r.reading.text : ''))
        },
      }
    },
    async release() {
      await detector.release()
      await recognizer.release()
    },
  }
}

/** What is used here of ocr-common's models module (its typings are not reachable through its exports). */
interface ReferenceModels {
  Detection: { create(options: object): Promise<ReferenceModel & { run(path: string): Promise<ReferenceLine[]> }> }
  Recognition: { create(options: object): Promise<ReferenceModel & { run(lines: ReferenceLine[]): Promise<Array<{ text: string }>> }> }
}
type ReferenceLine = { box: Polygon; image: unknown }
type ReferenceModel = { model?: { release?: () => Promise<void> } }

/**
 * @gutenye/ocr-node's detection and recognition models, used box by box. Its `Ocr.detect` merges boxes
 * on one midline into one line, which would score its detector against a different unit; so its two
 * stages are driven directly (their module is not in the package's exports, hence the file URL).
 * Its detector letterboxes the page into a multiple of 32 ('contain'), so its boxes are mapped back.
 */
async function referenceSystem(): Promise<System> {
  await import('@gutenye/ocr-node') // registers its Node backend (sharp, onnxruntime-node) with ocr-common
  const require = createRequire(import.meta.url)
  const common = dirname(require.resolve('@gutenye/ocr-common'))
  const models = (await import(pathToFileURL(join(common, 'models', 'index.js')).href)) as ReferenceModels
  const det = await models.Detection.create({})
  const rec = await models.Recognition.create({})
  return {
    name: '@gutenye/ocr-node',
    provider: 'cpu',
    async detect(path) {
      const meta = await sharp(path).metadata()
      const W = meta.width
      const H = meta.height
      const lineImages = await det.run(path)
      const W2 = Math.max(Math.ceil(W / 32) * 32, 32)
      const H2 = Math.max(Math.ceil(H / 32) * 32, 32)
      const s = Math.min(W2 / W, H2 / H)
      const ox = (W2 - W * s) / 2
      const oy = (H2 - H * s) / 2
      const quads = lineImages.map((li) => li.box.map(([x, y]): [number, number] => [(x - ox) / s, (y - oy) / s]))
      return {
        quads,
        async read() {
          const texts: string[] = []
          for (const li of lineImages) {
            const lines = await rec.run([li])
            texts.push(lines.map((l) => l.text).join(' '))
          }
          return texts
        },
      }
    },
    async release() {
      await det.model?.release?.()
      await rec.model?.release?.()
    },
  }
}

const fmt = (x: number) => x.toFixed(2).padStart(9)

export function formatPages(r: PagesReport): string {
  const systems = [r.ours, ...(r.reference ? [r.reference] : [])]
  const head = `${''.padEnd(20)}${['P %', 'R %', 'F1 %', 'exact %', 'nocase %', 'CER %', 'CER nc %', 'det p/s', 'e2e p/s'].map((h) => h.padStart(9)).join('')}`
  const rows = systems.map(
    (s) =>
      `${s.name.padEnd(20)}${fmt(s.detection.precision)}${fmt(s.detection.recall)}${fmt(s.detection.f1)}${fmt(s.endToEnd.exact)}${fmt(s.endToEnd.caseInsensitive)}${fmt(s.endToEnd.cer)}${fmt(s.endToEnd.cerCaseInsensitive)}${fmt(s.pagesPerSecond.detection)}${fmt(s.pagesPerSecond.endToEnd)}`,
  )
  const counts = systems.map((s) => `${s.name}: ${s.foundLines} found, ${s.matched} matched of ${s.truthLines} labelled lines${s.provider ? ` (${s.provider})` : ''}`)
  const timing = 'p/s: pages per second; detection includes decoding the page file (the reference decodes inside its detector)'
  return [`${r.set}: ${r.ours.pages} pages; detection at IoU ≥ 0.5; text scores on matched lines`, head, ...rows, ...counts, timing].join('\n')
}
