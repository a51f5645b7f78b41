// npm run bench -- ui [--lines 20000] [--engine-lines 100000] [--export-lines 50000]
// Prints the review screen's figures: in the engine, how long hardest-first order takes to build and to
// refresh after a correction, and a page's latency, at 100,000 lines; the export of 50,000 lines; in
// Chromium through the browser shell, a 20,000-line batch: time to the first rows, frame times while
// scrolling the whole list, and a jump to the end. Synthetic readings (no model run), one shared crop.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startBridge } from '../src/main/bridge/server'
import { createEngine } from '../src/main/core/engine'
import { openLibrary } from '../src/main/core/store/db'
import { call } from '../tests/fixtures/engine'
import { launchChromium } from '../tests/fixtures/browser'
import { renderLines } from '../tests/fixtures/render-lines'
import { insertSyntheticBatch, syntheticLines } from '../tests/fixtures/synthetic-batch'

const ms = (t: number) => `${t.toFixed(0)} ms`
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const value = await work()
  return [value, performance.now() - t]
}

export async function benchUi(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { lines: { type: 'string', default: '20000' }, 'engine-lines': { type: 'string', default: '100000' }, 'export-lines': { type: 'string', default: '50000' } },
  })
  const uiLines = Number(values.lines)
  const engineLines = Number(values['engine-lines'])
  const exportLines = Number(values['export-lines'])
  const tmp = mkdtempSync(join(tmpdir(), 'lector-bench-ui-'))
  try {
    const [image] = await renderLines(join(tmp, 'crop'), ['receipt total 12.40'])
    const library = join(tmp, 'library.db')
    const db = openLibrary(library)
    const big = insertSyntheticBatch(db, `${engineLines} lines`, syntheticLines(engineLines, 1), image)
    const exp = insertSyntheticBatch(db, `${exportLines} lines`, syntheticLines(exportLines, 2), image)
    insertSyntheticBatch(db, `${uiLines} lines`, syntheticLines(uiLines, 3), image)
    db.close()
    const engine = await createEngine({ libraryPath: library, host: 'bridge', providers: ['cpu'] })
    try {
      console.log(`engine, ${engineLines.toLocaleString()} lines:`)
      const hardest = { batchId: big.batchId, order: 'hardest' as const, limit: 100 }
      const [, first] = await timed(() => call(engine, 'batch:lines', hardest))
      const [, again] = await timed(() => call(engine, 'batch:lines', { ...hardest, offset: 50_000 }))
      const [, search] = await timed(() => call(engine, 'batch:lines', { ...hardest, search: 'invoice 9' }))
      // A correction as the review loop makes it: appended, then announced; the next page re-sorts.
      const lineId = big.ids[123]
      const raw = openLibrary(library)
      raw.prepare("INSERT INTO corrections (line_id, text, kind) VALUES (?, 'X', 'typed')").run(lineId)
      raw.close()
      engine.events.emit('lines:changed', { batchId: big.batchId, ids: [lineId, ...big.ids.slice(1000, 1020)] })
      const [, afterCorrection] = await timed(() => call(engine, 'batch:lines', hardest))
      const [, documentPage] = await timed(() => call(engine, 'batch:lines', { batchId: big.batchId, offset: 50_000, limit: 100 }))
      console.log(`  hardest first, first page (index built + sorted): ${ms(first)}`)
      console.log(`  another page of the same order (cached): ${ms(again)}`)
      console.log(`  search over all lines: ${ms(search)}`)
      console.log(`  first page after a correction (21 lines refreshed, re-sorted): ${ms(afterCorrection)}`)
      console.log(`  document order page at offset 50,000 (SQL): ${ms(documentPage)}`)

      const path = join(tmp, 'export.csv')
      const [result, exportMs] = await timed(() => call(engine, 'batch:export', { batchId: exp.batchId, format: 'csv', path, bom: true }))
      const [, jsonMs] = await timed(() => call(engine, 'batch:export', { batchId: exp.batchId, format: 'json', path: join(tmp, 'export.json') }))
      console.log(`export, ${exportLines.toLocaleString()} lines: CSV ${ms(exportMs)} (${(statSync(path).size / 1e6).toFixed(1)} MB, ${result.lines} rows, index warm-up included), JSON ${ms(jsonMs)}`)

      const bridge = await startBridge({ engine, staticDir: resolve('out/renderer') })
      const browser = await launchChromium({ args: ['--no-sandbox', '--disable-gpu'] })
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
        await page.goto(bridge.url)
        const item = page.getByTestId('batch-item').filter({ hasText: `${uiLines} lines` }).first()
        await item.waitFor()
        const [, open] = await timed(async () => {
          await item.click()
          await page.locator('[data-testid="review-row"]').first().waitFor()
        })
        console.log(`browser shell, ${uiLines.toLocaleString()} lines (Chromium, 1280×800):`)
        console.log(`  click on the batch → first rows shown: ${ms(open)}`)
        // Scrolls by `step` px per frame, `steps` times (0: to the bottom), and returns each frame's time.
        // A string, so this file compiles without the DOM library.
        const scroll = (step: number, steps: number) =>
          page.evaluate<number[]>(`(async () => {
            const list = document.querySelector('[data-testid="review-list"]')
            const times = []
            let last = performance.now()
            for (let i = 0; ${steps} === 0 ? list.scrollTop + list.clientHeight < list.scrollHeight - 1 : i < ${steps}; i++) {
              list.scrollTop += ${step}
              await new Promise((r) => requestAnimationFrame(r))
              const now = performance.now()
              times.push(now - last)
              last = now
            }
            return times
          })()`)
        const report = (what: string, frames: number[]) => {
          const total = frames.reduce((a, b) => a + b, 0)
          console.log(
            `  ${what}: ${frames.length} frames in ${ms(total)}; frame p50 ${pct(frames, 0.5).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`,
          )
        }
        report('wheel scrolling, 100 px per frame for 600 frames', await scroll(100, 600))
        report('flick to the bottom, 4,000 px per frame', await scroll(4000, 0))
        const [, bottomRows] = await timed(async () => {
          await page.waitForFunction(`document.querySelectorAll('[data-testid="review-row"]').length > 5`)
        })
        console.log(`  rows present at the bottom after the scroll: ${ms(bottomRows)} more`)
        const rows = await page.locator('[data-testid="review-row"]').count()
        const dom = await page.evaluate<number>(`document.querySelectorAll('*').length`)
        console.log(`  DOM: ${rows} row elements, ${dom} elements in all`)
        await page.getByTestId('review-list').focus()
        await page.keyboard.press('Home')
        await page.waitForTimeout(200)
        const [, jump] = await timed(async () => {
          await page.keyboard.press('Escape')
          await page.keyboard.press('End')
          await page.locator(`[data-testid="review-row"][aria-selected="true"]`).filter({ hasText: `${uiLines}` }).first().waitFor()
        })
        console.log(`  End key → last line focused and shown: ${ms(jump)}`)
      } finally {
        await browser.close()
        await bridge.close()
      }
    } finally {
      await engine.close()
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
