// npm run bench -- context [--lines 2000] [--correct 0.1] [--keep]
// In-context update latency on long lines (issue 4: ≤ 500 ms per correction on 2,000 lines of about
// 1,000 px). Renders N distinct receipt-like lines of 60–80 characters in three fonts, labelled in the
// batch's own convention (upper case, though half the lines are printed in lower case: what the model
// reads is right, the batch wants it otherwise, and only context can learn that), then runs the eval's
// simulated reviewer (lowest confidence first) through the real engine and prints its figures.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { createEngine } from '../src/main/core/engine'
import { evaluateInContext, formatContext } from '../src/cli/eval'
import { renderLine, type FontName } from '../tests/fixtures/render-lines'

const words =
  'TOTAL CASH CHANGE ROUNDING GST QTY ITEM PRICE Invoice Receipt No. Date Time Cashier Thank you please come again SDN BHD Jalan Taman Kuala Lumpur Selangor Tel Fax Amount Discount Subtotal Service Charge Table Member Points'.split(' ')

function longTexts(n: number): Array<{ file: string; printed: string; label: string; font: FontName }> {
  let seed = 7
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const fonts: FontName[] = ['sans', 'serif', 'mono']
  return Array.from({ length: n }, (_, i) => {
    let text = ''
    const target = 60 + Math.floor(rand() * 20)
    while (text.length < target) text += (text ? ' ' : '') + (rand() < 0.3 ? (rand() * 1000).toFixed(2) : words[Math.floor(rand() * words.length)])
    const printed = i % 2 ? text.toLowerCase() : text
    return { file: `long-${String(i).padStart(5, '0')}.png`, printed, label: text.toUpperCase(), font: fonts[i % 3] }
  })
}

/** Pango's dpi for the lines: 140 makes 60–80 characters about 1,000 px wide, as the long lines. */
const DPI = 140

export async function benchContext(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { lines: { type: 'string', default: '2000' }, correct: { type: 'string', default: '0.1' }, keep: { type: 'boolean', default: false } },
  })
  const n = Number(values.lines)
  const texts = longTexts(n)
  // Rendered once per machine and size: the lines are deterministic.
  const data = join(tmpdir(), `lector-bench-context-${n}-${DPI}`)
  if (!existsSync(join(data, 'labels.tsv'))) {
    const started = performance.now()
    const widths: number[] = []
    mkdirSync(join(data, 'images'), { recursive: true })
    for (const t of texts) {
      const png = await renderLine(t.printed, { font: t.font, dpi: DPI })
      widths.push((await sharp(png).metadata()).width)
      await sharp(png).toFile(join(data, 'images', t.file))
    }
    writeFileSync(join(data, 'labels.tsv'), texts.map((t) => `images/${t.file}\t${t.label}`).join('\n') + '\n')
    widths.sort((a, b) => a - b)
    console.error(`rendered ${n} lines in ${((performance.now() - started) / 1000).toFixed(0)} s; width median ${widths[n >> 1]} px, min ${widths[0]}, max ${widths[n - 1]}`)
  }
  const tmp = mkdtempSync(join(tmpdir(), 'lector-bench-context-lib-'))
  const engine = await createEngine({ libraryPath: join(tmp, 'library.db'), host: 'cli', providers: ['cpu'] })
  try {
    const report = await evaluateInContext(engine, data, { correct: Number(values.correct), select: 'lowconf', seed: 1 })
    console.log(`\ncontext: ${n.toLocaleString()} long lines (${data}), CPU provider — ${new Date().toISOString()}`)
    console.log(formatContext(report))
  } finally {
    await engine.close()
    if (values.keep) console.log(`kept: ${tmp}`)
    else rmSync(tmp, { recursive: true, force: true })
  }
}
