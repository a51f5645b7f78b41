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
import { settleOrientation } from '../main/core/detect/settle'
import { detectionScores, matchLines, type Polygon } from '../main/core/eval/match-lines'
import { score, type Scores } from '../main/core/eval/metrics'
import type { RasterPage } from '../main/core/pages/types'
import { PROPOSE_AFTER } from '../main/core/intake/scripts'
import { loadRecognizer, type Reading } from '../main/core/recognize/recognizer'
import { proposeScripts, type Script } from '../main/core/recognize/scripts'

export const evalPagesUsage = `  eval-pages --data DIR [--limit N] [--json] [--no-reference]
         Detect lines on labelled pages (DIR/pages/pages.jsonl: {page, lines: [{quad or box, text}]}, a
         box being [x0, y0, x1, y1]) and score detection (precision, recall, F1 at IoU 0.5), end to end
         (matched lines read by the recognizer) and how the matched lines were turned (upside down,
         sideways), beside @gutenye/ocr-node (PaddleOCR's pipeline ported to JS, same models).`

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

/** A labelled line as pages.jsonl gives it: a quad (sroie-dev), or an axis-aligned box (forms-dev). */
type LabelledLine = { text: string } & ({ quad: Polygon } | { box: [number, number, number, number] })

interface LabelledPage {
  page: string
  lines: LabelledLine[]
}

/** A labelled line as scored: its quad, clockwise from the text's top-left corner. */
interface TruthLine {
  quad: Polygon
  text: string
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
  /**
   * Matched lines whose crop starts at another corner of the labelled line than its text's top-left:
   * the opposite corner (read upside down) or a neighbouring one (read turned 90°).
   */
  orientation: { upsideDown: number; sideways: number }
  /** The scripts the lines were read in (lector: proposed from its first readings). */
  scripts?: string[]
  /** Every matched line: its page, label and reading (in the JSON report only). */
  lines?: Array<{ page: string; truth: string; read: string }>
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
  scripts?(): string[] | undefined
}

export async function evaluatePages(dir: string, options: { limit?: number; reference?: boolean } = {}): Promise<PagesReport> {
  const pages = readPages(dir).slice(0, options.limit)
  const ours = await scoreSystem(await lectorSystem(), dir, pages)
  const reference = options.reference === false ? undefined : await scoreSystem(await referenceSystem(), dir, pages)
  return { set: basename(resolve(dir)), ours, reference }
}

function readPages(dir: string): Array<{ page: string; lines: TruthLine[] }> {
  const text = readFileSync(join(dir, 'pages', 'pages.jsonl'), 'utf8')
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledPage)
    .map((p) => ({ page: p.page, lines: p.lines.map(truthLine) }))
}

// Checkbox glyphs: forms-dev's page labels keep them (see its README), but no recognizer of this alphabet
// reads a printed box as one; they are left out of the text scored, whitespace collapsed.
const CHECKBOXES = /[\u2610\u2611\u2612]/gu

/**
 * A labelled line as a quad from its text's top-left, clockwise. A box is upright text, except one at least
 * 1.5 times taller than wide holding two characters or more: forms-dev's vertical lines (Bates numbers in
 * the margin) read top to bottom, their crops are upright once turned 90° counter-clockwise (its README),
 * so their text starts at the box's top-right corner.
 */
export function truthLine(line: LabelledLine): TruthLine {
  const text = line.text.replace(CHECKBOXES, ' ').replace(/\s+/g, ' ').trim()
  if ('quad' in line) return { quad: line.quad, text }
  const [x0, y0, x1, y1] = line.box
  const corners: Polygon = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ]
  const vertical = y1 - y0 >= 1.5 * (x1 - x0) && [...text].length >= 2
  return { quad: vertical ? [corners[1], corners[2], corners[3], corners[0]] : corners, text }
}

/** How a found quad is turned against its labelled line: 0 upright, 1 and 3 a quarter turn, 2 upside down. */
export function quarterTurns(truth: Polygon, found: Polygon): number {
  const [x, y] = found[0]
  let best = 0
  truth.forEach(([tx, ty], i) => {
    if (Math.hypot(tx - x, ty - y) < Math.hypot(truth[best][0] - x, truth[best][1] - y)) best = i
  })
  return best
}

async function scoreSystem(system: System, dir: string, pages: Array<{ page: string; lines: TruthLine[] }>): Promise<SystemScores> {
  let detectMs = 0
  let readMs = 0
  let truthLines = 0
  let foundLines = 0
  // Texts are taken when the run is over: a system may read its first pages again (lector: in the scripts
  // proposed from them, as a batch does).
  const pairs: Array<{ page: string; truth: string; texts: string[]; at: number }> = []
  const orientation = { upsideDown: 0, sideways: 0 }
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
      for (const m of matches) {
        pairs.push({ page: labelled.page, truth: labelled.lines[m.truth].text, texts, at: m.found })
        const turns = quarterTurns(labelled.lines[m.truth].quad, found.quads[m.found])
        if (turns === 2) orientation.upsideDown++
        else if (turns) orientation.sideways++
      }
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
    endToEnd: score(pairs.map((p) => ({ truth: p.truth, read: p.texts[p.at] ?? '' }))),
    orientation,
    scripts: system.scripts?.(),
    lines: pairs.map((p) => ({ page: p.page, truth: p.truth, read: p.texts[p.at] ?? '' })),
    pagesPerSecond: { detection: rate(detectMs), endToEnd: rate(detectMs + readMs) },
  }
}

/**
 * Lector: decode with sharp (EXIF applied), detect, settle doubtful orientations, then read every crop with
 * the recognizer, as a batch of these pages would: in every script until PROPOSE_AFTER lines are read,
 * then in the scripts proposed from them, the lines read before decoded again in those.
 */
async function lectorSystem(): Promise<System> {
  const [detector, recognizer] = await Promise.all([loadDetector(), loadRecognizer()])
  let scripts: Script[] | undefined
  const early: Array<{ texts: string[]; caches: Array<Reading | null> }> = []
  return {
    name: 'lector',
    provider: detector.provider,
    async detect(path) {
      const { data, info } = await sharp(path).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true })
      const page: RasterPage = { width: info.width, height: info.height, channels: 3, data }
      const lines = await settleOrientation(await detector.detect(page), async (crops) =>
        (await recognizer.read(crops)).map((r) => (r.ok ? r.reading.confidence : 0)),
      )
      return {
        quads: lines.map((l) => l.quad),
        async read() {
          const results = await recognizer.read(
            lines.map((l) => l.crop),
            { scripts },
          )
          const texts = results.map((r) => (r.ok ? r.reading.text : ''))
          if (scripts) return texts
          early.push({ texts, caches: results.map((r) => (r.ok ? r.reading : null)) })
          const readings = early.flatMap((e) => e.caches.filter((c) => c !== null))
          if (readings.length >= PROPOSE_AFTER) {
            const proposed = proposeScripts(readings.slice(0, PROPOSE_AFTER * 4))
            for (const page of early) page.caches.forEach((c, i) => c && (page.texts[i] = recognizer.decode(c.cache, proposed).text))
            scripts = proposed
          }
          return texts
        },
      }
    },
    async release() {
      await detector.release()
      await recognizer.release()
    },
    scripts: () => scripts,
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
  const counts = systems.map(
    (s) =>
      `${s.name}: ${s.foundLines} found, ${s.matched} matched of ${s.truthLines} labelled lines${s.provider ? ` (${s.provider})` : ''}; ` +
      `matched lines upside down ${s.orientation.upsideDown}, turned 90° ${s.orientation.sideways}${s.scripts ? `; read in ${s.scripts.join(', ')}` : ''}`,
  )
  const timing = 'p/s: pages per second; detection includes decoding the page file (the reference decodes inside its detector)'
  return [`${r.set}: ${r.ours.pages} pages; detection at IoU ≥ 0.5; text scores on matched lines`, head, ...rows, ...counts, timing].join('\n')
}
