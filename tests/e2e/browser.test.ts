// The browser shell end to end: a real engine behind the real bridge, the built renderer in Chromium.
// Needs `npm run build` first (the test script runs it) and a Chromium-based browser (tests/fixtures/browser.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridge, type Bridge } from '../../src/main/bridge/server'
import { launchChromium } from '../fixtures/browser'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const staticDir = join(root, 'out', 'renderer')
const screenshotPath = join(root, 'test-results', 'browser-shell.png')

const lines = [
  { file: 'line-01.png', text: 'Invoice number 4711' },
  { file: 'line-02.png', text: 'Total due: 128.40 EUR' },
  { file: 'line-03.png', text: 'Payable within 30 days' },
  { file: 'line-04.png', text: 'Thank you for your order' },
  { file: 'line-05.png', text: 'Harbour Street 12, Bristol' },
  { file: 'line-06.png', text: 'Reference AB-2024-0093' },
]
/** Claims to be a PNG but is text: the engine must report it as one unreadable line and read the rest. */
const corruptFile = 'line-07-corrupt.png'
/** Not an image at all: the engine leaves it out and the batch says so. */
const strayFile = 'notes.txt'

interface ShownRow {
  state: string | undefined
  file: string
  text: string
}

/** The rows as shown, read through locators (this file compiles without the DOM library). */
async function readRows(page: Page): Promise<ShownRow[]> {
  const rows = await page.getByTestId('review-row').all()
  return Promise.all(
    rows.map(async (row) => ({
      state: (await row.getAttribute('data-state')) ?? undefined,
      file: (await row.getByTestId('line-file').textContent()) ?? '',
      // The focused line shows its text in the correction box.
      text: (await row.getByTestId('line-input').count())
        ? await row.getByTestId('line-input').inputValue()
        : ((await row.getByTestId('line-text').textContent()) ?? ''),
    })),
  )
}

describe('the browser shell', () => {
  const t = useEngine({ name: 'e2e', engine: { host: 'bridge' } })
  let folder: string
  let bridge: Bridge
  let browser: Browser

  beforeAll(async () => {
    if (!existsSync(join(staticDir, 'index.html'))) {
      throw new Error(`${staticDir}/index.html is missing: build the renderer first (npm run build, i.e. electron-vite build).`)
    }
    folder = join(t.dir, 'scans')
    await renderLines(folder, lines)
    writeFileSync(join(folder, corruptFile), 'this is not an image\n')
    writeFileSync(join(folder, strayFile), 'a note that sits beside the scans\n')
    bridge = await startBridge({ engine: t.engine, staticDir })
    browser = await launchChromium({
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
  })

  afterAll(async () => {
    await browser?.close()
    await bridge?.close()
  })

  it('opens a folder and shows every rendered line exactly as the engine read it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`)
    })
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`)
    })

    await page.goto(bridge.url)
    const status = page.getByTestId('engine-status')
    await status.getByText(t.engine.status().model.name).waitFor()
    await status.getByText(t.engine.status().provider.name, { exact: true }).waitFor()
    await status.getByText('Live').waitFor()

    await page.getByLabel('Folder or file').fill(folder)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await page.getByTestId('order-document').click()

    const expectedRows = lines.length + 1
    await expect
      .poll(() => readRows(page), { timeout: 60_000, interval: 200 })
      .toSatisfy((rows: ShownRow[]) => rows.length === expectedRows && rows.every((r) => r.state !== 'pending'))
    const rows = await readRows(page)
    expect(rows.filter((r) => r.state === 'read').map(({ file, text }) => ({ file, text }))).toEqual(lines)
    const failed = rows.filter((r) => r.state === 'failed')
    expect(failed.map((r) => r.file)).toEqual([corruptFile])
    expect(failed[0].text.trim()).not.toBe('')
    await expect(page.getByTestId('skipped-files').textContent()).resolves.toContain(strayFile)
    await expect(page.getByTestId('batch-item').first().textContent()).resolves.toContain('scans')

    // Crops load lazily; wait for the visible ones before looking at the page.
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid="review-row"][data-state="read"] img')]
        .filter((img) => img.complete && img.naturalWidth > 0).length === ${lines.length}`,
      undefined,
      { timeout: 30_000 },
    )
    mkdirSync(dirname(screenshotPath), { recursive: true })
    await page.screenshot({ path: screenshotPath })

    expect(problems).toEqual([])
    await page.close()
  })

  it('says clearly when a folder does not exist', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(bridge.url)
    const missing = join(t.dir, 'no-such-folder')
    await page.getByLabel('Folder or file').fill(missing)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    const error = page.getByTestId('open-error')
    await error.waitFor()
    expect(await error.textContent()).toContain(missing)
    await page.close()
  })

  it('opens its event stream when the page is opened at localhost, under the built page\'s policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems: string[] = []
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`)
    })
    await page.goto(`http://localhost:${bridge.port}/?token=${bridge.token}`)
    await page.getByTestId('engine-status').getByText('Live').waitFor()
    expect(problems).toEqual([])
    await page.close()
  })

  it('shows the refusal when the page is opened without its token', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`http://127.0.0.1:${bridge.port}/`)
    await page.getByTestId('engine-status').getByText('no valid token').waitFor()
    await page.close()
  })
})
