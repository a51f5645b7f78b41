// npm run bench -- pages [--pages 10] [--dpi 200] [--size 20000]
// Prints time and peak RSS for (1) rendering every page of a generated scan-like PDF (each A4 page a
// distinct 300 dpi JPEG with text, plus a line of real PDF text) and (2) importing a size × size PNG.
// Each case runs in its own child process, so its peak RSS is its own.
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import sharp from 'sharp'
import { openPageSource } from '../src/main/core/pages/open-page-source'
import { hugePng } from '../tests/fixtures/documents'
import { renderLine } from '../tests/fixtures/render-lines'

const MiB = 1024 * 1024

export async function benchPages(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { pages: { type: 'string', default: '10' }, dpi: { type: 'string', default: '200' }, size: { type: 'string', default: '20000' }, child: { type: 'string' } } })
  if (values.child) return measure(values.child, Number(values.dpi))
  const dir = mkdtempSync(join(tmpdir(), 'lector-bench-pages-'))
  try {
    const pdf = join(dir, 'scan.pdf')
    writeFileSync(pdf, await scanLikePdf(Number(values.pages)))
    const png = join(dir, 'huge.png')
    writeFileSync(png, hugePng(Number(values.size)))
    for (const file of [pdf, png]) {
      await new Promise<void>((resolve, reject) => {
        fork(process.argv[1], ['pages', '--child', file, '--dpi', values.dpi], { execArgv: process.execArgv, stdio: 'inherit' })
          .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))))
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function measure(path: string, dpi: number): Promise<void> {
  const baseline = process.memoryUsage().rss
  const started = performance.now()
  const source = await openPageSource(path)
  let pixels = 0
  const sizes = new Set<string>()
  for (let i = 0; i < source.pageCount; i++) {
    const page = await source.render(i, { dpi })
    pixels += page.width * page.height
    sizes.add(`${page.width}×${page.height}`)
  }
  await source.close()
  const ms = performance.now() - started
  const peak = process.resourceUsage().maxRSS * 1024
  console.log(
    `${source.kind} ${source.pageCount} page(s) → ${[...sizes].join(', ')}: ${(ms / 1000).toFixed(2)} s ` +
      `(${(ms / source.pageCount).toFixed(0)} ms/page, ${(pixels / 1e6 / (ms / 1000)).toFixed(1)} MP/s), ` +
      `peak RSS ${(peak / MiB).toFixed(0)} MiB (${(baseline / MiB).toFixed(0)} MiB before opening)`,
  )
}

/** `count` A4 pages, each a distinct 2480 × 3508 JPEG "scan" of 30 text lines, with one line of PDF text on top. */
async function scanLikePdf(count: number): Promise<Buffer> {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  for (let p = 0; p < count; p++) {
    const lines = await Promise.all(Array.from({ length: 30 }, (_, i) => renderLine(`Page ${p + 1}, line ${i + 1}: the quick brown fox ${p * 31 + i}`, { dpi: 300 })))
    const scan = await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#f4f1ea' } })
      .composite(lines.map((input, i) => ({ input, left: 240, top: 300 + i * 100 })))
      .jpeg({ quality: 85 })
      .toBuffer()
    const page = doc.addPage([595.28, 841.89])
    page.drawImage(await doc.embedJpg(scan), { x: 0, y: 0, width: 595.28, height: 841.89 })
    page.drawText(`Page ${p + 1}`, { x: 36, y: 810, size: 12, font })
  }
  return Buffer.from(await doc.save())
}
