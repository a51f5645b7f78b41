// The review screen end to end in the browser shell: a real engine behind the real bridge, the built
// renderer in Chromium, driven with the keyboard only. The batch has a convention the model cannot
// know (printed lower case, typed upper case), so corrections visibly change other lines.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import sharp from 'sharp'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LineRow } from '../../src/shared/api'
import { startBridge, type Bridge } from '../../src/main/bridge/server'
import { launchChromium } from '../fixtures/browser'
import { textPdf } from '../fixtures/documents'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const staticDir = join(root, 'out', 'renderer')
const results = join(root, 'test-results')

const words = ['total', 'cash', 'change', 'rounding', 'amount', 'tax', 'invoice', 'receipt', 'date', 'time', 'cashier', 'thank']
const printed = (i: number) => `${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} ${10 + ((i * 37) % 89)}`
const texts = Array.from({ length: 48 }, (_, i) => printed(i))

// Every test gets an engine on a library of its own and a fresh page, and sets up the batch it needs
// (openedInPage, taughtInPage): none depends on what another did before it.
const t = useEngine({ name: 'review', each: true, engine: { host: 'bridge' } })

/** The folder of line images, written once for the file. */
let scratch: string
let folder: string
let browser: Browser
let context: BrowserContext
let bridge: Bridge
let page: Page
let batchId: number
/** What was printed on each line, by line id. */
const printedText = new Map<number, string>()
/** Errors the page reported during the test: each test ends with none. */
const problems: string[] = []

async function engineRows(input: { order?: 'hardest' | 'document'; filter?: 'all' | 'unreviewed' | 'corrected' | 'context' } = {}): Promise<LineRow[]> {
  return (await t.call('batch:lines', { batchId, limit: 500, ...input })).rows
}

/** What the page functions below use of an element: this file compiles without the DOM library. */
interface PageElement {
  getAttribute(name: string): string | null
  querySelector(selector: string): PageElement | null
  parentElement: PageElement | null
  firstChild: PageElement | null
  ownerDocument: { activeElement: unknown }
  textContent: string | null
  value?: string
  getBoundingClientRect(): { top: number }
}

/** The rows the list shows, top to bottom. */
async function shownRows(): Promise<Array<{ id: number; source: string; confidence: number; text: string }>> {
  return page.$$eval('[data-testid="review-row"]', (rows: PageElement[]) =>
    rows
      .map((r) => ({
        id: Number(r.getAttribute('data-line-id')),
        source: r.getAttribute('data-source') ?? '',
        confidence: Number(r.getAttribute('data-confidence')),
        text: (r.querySelector('[data-testid="line-text"]')?.textContent ?? r.querySelector('input')?.value ?? '').trim(),
        top: r.parentElement!.getBoundingClientRect().top,
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ top: _top, ...rest }) => rest),
  )
}

const focusedId = async () => Number(await page.locator('[data-testid="review-row"][aria-selected="true"]').getAttribute('data-line-id'))

/** Notes the batch's line ids and what was printed on each, once it is read. */
async function learnLines(id: number): Promise<void> {
  batchId = id
  await t.engine.batches.whenRead(batchId)
  printedText.clear()
  for (const row of await engineRows()) printedText.set(row.id, texts[row.index])
}

/**
 * The folder opened from the keyboard on the start screen, as a reviewer would: its 48 lines listed
 * hardest first as the engine orders them, their crops shown, the first line focused for typing.
 */
async function openedInPage(): Promise<void> {
  await page.goto(bridge.url)
  await page.getByLabel('Folder or file').fill(folder)
  await page.keyboard.press('Enter')
  await page.getByTestId('review-screen').waitFor()
  await learnLines((await t.call('batch:list', {}))[0].id)
  await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('48')
  await shownAsEngineOrders()
  await waitForCrops()
}

/** Until the rows shown stand as the engine orders them, hardest first (wherever the list is scrolled). */
async function shownAsEngineOrders(): Promise<void> {
  await expect
    .poll(async () => {
      const hardest = (await engineRows({ order: 'hardest' })).map((r) => r.id)
      const ids = (await shownRows()).map((r) => r.id)
      const from = hardest.indexOf(ids[0])
      return ids.length > 5 && from >= 0 && ids.join() === hardest.slice(from, from + ids.length).join()
    }, { timeout: 10_000 })
    .toBe(true)
}

/** Until the crops of the rows shown have loaded (a string, so this file compiles without the DOM library). */
const waitForCrops = () =>
  page.waitForFunction(
    `[...document.querySelectorAll('[data-testid="review-row"] img')].every((img) => img.complete && img.naturalWidth > 0)`,
    undefined,
    { timeout: 30_000 },
  )

/**
 * The batch after a reviewer taught it its convention: the 14 hardest lines corrected to upper case
 * (through the engine, as another window would), then chosen from the start screen's list of batches.
 */
async function taughtInPage(): Promise<void> {
  const batch = await t.call('batch:openFolder', { path: folder })
  await learnLines(batch.id)
  for (const row of (await engineRows({ order: 'hardest' })).slice(0, 14)) {
    await t.applied('review:correct', { lineId: row.id, text: printedText.get(row.id)!.toUpperCase() })
  }
  await t.call('review:decision', { batchId })
  await page.goto(bridge.url)
  await page.getByTestId('batch-item').first().click()
  await page.getByTestId('review-screen').waitFor()
  await expect.poll(() => page.getByTestId('count-reviewed').textContent(), { timeout: 20_000 }).toBe('14')
}

beforeAll(async () => {
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir}/index.html is missing: run npm run build first.`)
  scratch = mkdtempSync(join(tmpdir(), 'lector-review-lines-'))
  folder = join(scratch, 'receipts')
  await renderLines(folder, texts)
  browser = await launchChromium({ args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  mkdirSync(results, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

beforeEach(async () => {
  bridge = await startBridge({ engine: t.engine, staticDir })
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  page = await context.newPage()
  problems.length = 0
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`)
  })
})

afterEach(async () => {
  await context?.close()
  await bridge?.close()
  expect(problems).toEqual([])
})

describe('the review screen', () => {
  it('opens a folder from the keyboard and lists its lines hardest first, as the engine orders them', async () => {
    await openedInPage()
    const shown = await shownRows()
    expect(shown.length).toBeGreaterThan(5)
    expect(shown.map((r) => r.id)).toEqual((await engineRows({ order: 'hardest' })).slice(0, shown.length).map((r) => r.id))
    // The order is the engine's self-check (each line's probability of being wrong), not the confidence alone.
    await page.screenshot({ path: join(results, 'review-opened-1280.png') })
  })

  it('corrects lines with the keyboard and shows other lines changing by context without a reload (key-to-screen times printed)', async () => {
    await openedInPage()
    // Every state the note on the latest correction passes through: "saved" at its reply, then "applied".
    await page.evaluate(`(() => {
      const states = (window.correctionStates = [])
      let last = null
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="last-update"]')?.getAttribute('data-state') ?? null
        if (state !== last && state !== null) states.push(state)
        last = state
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
    })()`)
    const timings: number[] = []
    let contextAfter = -1
    let accepted = 0
    for (let n = 0; n < 14; n++) {
      const id = await focusedId()
      const input = page.getByTestId('line-input')
      expect(await input.evaluate((e: PageElement) => e === e.ownerDocument.activeElement)).toBe(true)
      const wanted = printedText.get(id)!.toUpperCase()
      let started: number
      if ((await input.inputValue()) === wanted) {
        // Context already got this line right: accept it as it stands (it joins the pool all the same).
        started = Date.now()
        await page.keyboard.press('Control+Enter')
        accepted++
      } else {
        await page.keyboard.press('Control+A')
        await page.keyboard.type(wanted)
        started = Date.now()
        await page.keyboard.press('Enter')
      }
      await expect.poll(() => page.getByTestId('count-reviewed').textContent(), { timeout: 10_000 }).toBe(String(n + 1))
      const context = Number(await page.getByTestId('count-context').evaluate((e: PageElement) => e.firstChild?.textContent ?? '0'))
      timings.push(Date.now() - started)
      if (context > 0 && contextAfter < 0) contextAfter = n + 1
      await expect.poll(focusedId, { timeout: 10_000 }).not.toBe(id)
      // The next key waits for the list to show what the correction's calibration settled: a key pressed
      // while its row is moved to its new place can land on no text box at all (a reviewer sees the row move).
      await t.engine.review.settled(batchId)
      await shownAsEngineOrders()
    }
    // Each correction was said to be saved first, then applied in context (the first one after its
    // batch's context had loaded).
    const states = await page.evaluate<string[]>('window.correctionStates')
    expect(states[0]).toBe('saved')
    expect(states.at(-1)).toBe('applied')
    expect(states.filter((s) => s === 'saved').length).toBeGreaterThanOrEqual(1)
    expect(await page.getByTestId('last-update').textContent()).toMatch(/saved · applied in context: changed \d+ lines? in \d+ ms/)
    console.log(`the note on the latest correction went through: ${states.join(' → ')}`)
    console.log(`corrections until context changed lines: ${contextAfter} (${accepted} accepted as context read them); ms from Enter to counts updated: ${timings.join(' ')}`)
    expect(contextAfter).toBeGreaterThan(0)
    // The header shows the vocabulary the corrections gave the batch, and its bias.
    await expect.poll(() => page.getByTestId('lexicon').textContent()).toMatch(/^[1-9][\d,]* words · bias \d/)
    // The engine's own word: the rest of the batch now reads upper case, and the screen shows it.
    const changed = (await engineRows()).filter((r) => r.source === 'context')
    expect(changed.length).toBeGreaterThan(10)
    // Context changes case only (letters never seen upper case in the pool may stay lower), and some
    // lines are already exactly what the reviewer would type.
    const caseOnly = changed.filter((r) => r.text !== r.modelText && r.text.toLowerCase() === r.modelText.toLowerCase())
    expect(caseOnly.length / changed.length).toBeGreaterThan(0.8)
    expect(changed.filter((r) => r.text === printedText.get(r.id)!.toUpperCase()).length).toBeGreaterThan(5)
    // The time from the key press to the screen showing the new counts is printed above, not asserted:
    // speed is the benchmarks' job (npm run bench -- ui), and a test sharing two cores would be flaky.
    await page.getByTestId('line-filter').selectOption('context')
    await expect.poll(async () => (await shownRows()).filter((r) => r.source === 'context').length).toBeGreaterThan(3)
    const byId = new Map(changed.map((r) => [r.id, r.text]))
    for (const r of await shownRows()) expect(r.text).toBe(byId.get(r.id))
    await page.getByTestId('line-diff').first().waitFor()
    await page.screenshot({ path: join(results, 'review-context-1280.png') })
  })

  it('shows a changed line\'s in-context examples one key away, and its page', async () => {
    await taughtInPage()
    // Focus a line context changed (the filter is "changed by context" here), then ask for its examples.
    await page.getByTestId('line-filter').selectOption('context')
    await page.getByTestId('review-list').focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Alt+E')
    const examples = page.getByTestId('examples').locator('li')
    await expect.poll(() => examples.count()).toBeGreaterThan(0)
    const id = await focusedId()
    const row = (await engineRows()).find((r) => r.id === id)!
    const shown = await examples.locator('.example-text').allTextContents()
    const expected = (await engineRows()).filter((r) => row.examples.slice(0, 6).includes(r.id))
    expect(shown.sort()).toEqual(expected.map((r) => r.text).sort())
    await page.screenshot({ path: join(results, 'review-examples-1280.png') })
    await page.keyboard.press('Alt+P')
    await page.getByTestId('page-view').locator('img').waitFor()
    await page.keyboard.press('Alt+P')
  })

  it('shows in the header how many lines are probably still wrong, as the engine estimates it, and draws it in the chart', async () => {
    await taughtInPage()
    const stats = await t.call('review:stats', { batchId })
    expect(stats.probablyWrong).toBeGreaterThan(0)
    const shown = `about ${Math.round(stats.probablyWrong)} line${Math.round(stats.probablyWrong) === 1 ? '' : 's'}`
    await expect.poll(() => page.getByTestId('probably-wrong').textContent(), { timeout: 10_000 }).toBe(shown)
    // One more line corrected: the estimate follows the engine's, in the header and at the chart's last point.
    const next = (await engineRows({ order: 'hardest', filter: 'unreviewed' }))[0]
    await t.call('review:correct', { lineId: next.id, text: printedText.get(next.id)!.toUpperCase() })
    await t.call('review:decision', { batchId })
    const after = await t.call('review:stats', { batchId })
    await expect
      .poll(() => page.getByTestId('probably-wrong').textContent(), { timeout: 10_000 })
      .toBe(`about ${Math.round(after.probablyWrong)} line${Math.round(after.probablyWrong) === 1 ? '' : 's'}`)
    await expect.poll(() => page.getByTestId('chart-probably-wrong').count()).toBe(1)
  })

  it('names the batch’s writing convention beside the context’s state, and shows every line in it', async () => {
    // The 14 corrections write the printed lower case in capitals: the batch's convention, which acts
    // whether context is on or off (a reviewer saw "Context off" beside lines changed "by context").
    await taughtInPage()
    expect((await t.call('review:decision', { batchId })).conventions).toEqual({ case: 'upper', unspacedBefore: '' })
    await expect.poll(() => page.getByTestId('conventions').textContent(), { timeout: 10_000 }).toContain('writes CAPITALS')
    const unreviewed = await engineRows({ filter: 'unreviewed' })
    expect(unreviewed.length).toBeGreaterThan(0)
    expect(unreviewed.filter((r) => r.text !== r.text.toUpperCase())).toEqual([])
  })

  it('undoes the last correction with Ctrl+Z and focuses the line it gave back', async () => {
    await taughtInPage()
    const before = (await engineRows()).filter((r) => r.source === 'human').length
    await page.getByTestId('review-list').focus()
    await page.keyboard.press('Control+Z')
    await expect.poll(() => page.getByTestId('count-reviewed').textContent()).toBe(String(before - 1))
    const id = await focusedId()
    const row = (await engineRows()).find((r) => r.id === id)!
    expect(row.source).not.toBe('human')
    await expect.poll(() => page.locator(`[data-testid="review-row"][data-line-id="${id}"]`).getAttribute('data-source')).not.toBe('human')
  })

  it('keeps the line being edited in place while the rest of the batch is read and harder lines take their places above it', async () => {
    // 64 receipt lines (the first recognition step), then 128 blurred italic strings of letters no other
    // line has: many of them likely wrong, so harder than the line being edited.
    const streamed = join(scratch, 'streamed')
    const letters = 'bcdfghjklmnpqrstvwxz'
    const gibberish = (i: number) => Array.from({ length: 7 }, (_, j) => letters[(i * 7 + j * 13 + ((i * j) % 5)) % letters.length]).join('')
    await renderLines(streamed, [
      ...Array.from({ length: 64 }, (_, i) => ({ file: `a-${String(i).padStart(3, '0')}.png`, text: printed(i) })),
      ...Array.from({ length: 128 }, (_, i) => ({ file: `b-${String(i).padStart(3, '0')}.png`, text: `${gibberish(i)} ${gibberish(i + 300)}`, font: 'serifItalic' as const })),
    ])
    for (let i = 0; i < 128; i++) {
      const file = join(streamed, `b-${String(i).padStart(3, '0')}.png`)
      writeFileSync(file, await sharp(readFileSync(file)).blur(1.4).png().toBuffer())
    }
    await page.goto(bridge.url)
    await page.getByLabel('Folder or file').fill(streamed)
    await page.keyboard.press('Enter')
    await page.getByTestId('review-screen').waitFor()
    const input = page.getByTestId('line-input')
    await input.waitFor()
    const [batch] = await t.call('batch:list', {})
    batchId = batch.id
    expect(t.engine.batches.summary(batch.id).jobId, 'typing while the batch is read').not.toBeNull()
    await input.press('End')
    await page.keyboard.type(' KEPT')
    // The line being edited is the one that took the typing (typing chooses it: the focus follows it from
    // then on; until then the focused place is the top of the list, whose line may change as lines come in).
    const draft = await input.inputValue()
    expect(draft).toMatch(/ KEPT$/)
    const id = await focusedId()
    // Where the line being edited sits on screen, sampled every frame until the batch is read.
    await page.evaluate(`(() => {
      const tops = (window.editedTops = [])
      const sample = () => {
        const row = document.querySelector('[data-testid="review-row"][data-line-id="${id}"]')
        if (row) tops.push(Math.round(row.getBoundingClientRect().top))
        if (!window.stopSampling) requestAnimationFrame(sample)
      }
      sample()
    })()`)
    await t.engine.batches.whenRead(batch.id)
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('192')
    await page.waitForTimeout(300)
    await page.evaluate('window.stopSampling = true')
    const tops = await page.evaluate<number[]>('window.editedTops')
    // Harder lines came in above it, and it did not move.
    const hardest = (await engineRows({ order: 'hardest' })).map((r) => r.id)
    expect(hardest.indexOf(id)).toBeGreaterThan(0)
    expect(tops.length).toBeGreaterThan(10)
    expect(Math.max(...tops) - Math.min(...tops), `its place on screen, frame by frame: ${[...new Set(tops)].join(', ')} px`).toBeLessThanOrEqual(1)
    expect(await focusedId()).toBe(id)
    expect(await input.inputValue()).toBe(draft)
    await shownAsEngineOrders()
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await engineRows()).find((r) => r.id === id)?.text).toBe(draft)
  })

  it('moves with j and k and accepts with a, from the list, without the mouse', async () => {
    await openedInPage()
    // Escape leaves the text box the screen opened with for the list.
    await expect.poll(() => page.getByTestId('line-input').evaluate((e: PageElement) => e === e.ownerDocument.activeElement)).toBe(true)
    await page.keyboard.press('Escape')
    const first = await focusedId()
    await page.keyboard.press('j')
    await expect.poll(focusedId).not.toBe(first)
    await page.keyboard.press('k')
    await expect.poll(focusedId).toBe(first)
    const reviewed = Number(await page.getByTestId('count-reviewed').textContent())
    await page.keyboard.press('a')
    // The batch's first review: its context loads first.
    await expect.poll(() => page.getByTestId('count-reviewed').textContent(), { timeout: 10_000 }).toBe(String(reviewed + 1))
    expect((await engineRows()).find((r) => r.id === first)).toMatchObject({ source: 'human', review: 'accepted' })
  })

  it('keeps the keys on the line being corrected while the list re-sorts under it', async () => {
    await openedInPage()
    // Escape leaves the text box the screen opened with for the list.
    await expect.poll(() => page.getByTestId('line-input').evaluate((e: PageElement) => e === e.ownerDocument.activeElement)).toBe(true)
    await page.keyboard.press('Escape')
    await page.keyboard.press('Home')
    const above = await focusedId()
    await page.keyboard.press('j')
    const id = await focusedId()
    await page.keyboard.press('Enter')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('KEEP')
    // A correction from elsewhere (another window on the same engine) sends the line above to the end.
    await t.applied('review:correct', { lineId: above, text: 'ELSEWHERE' })
    await expect.poll(async () => (await shownRows()).findIndex((r) => r.id === above)).not.toBe(0)
    await page.keyboard.type('ING')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await engineRows()).find((r) => r.id === id)?.text).toBe('KEEPING')
    expect((await engineRows()).filter((r) => r.source === 'human' && /KEEP|ING$/.test(r.text)).map((r) => r.id)).toEqual([id])
  })

  it('exports a CSV with a byte-order mark whose rows are the batch as reviewed, and offers the same as a download', async () => {
    await taughtInPage()
    // A negative amount is a number to a spreadsheet, not a formula to neutralise (it became '-5.59).
    const amount = (await engineRows()).find((r) => r.source !== 'human')!
    await t.applied('review:correct', { lineId: amount.id, text: '-5.59' })
    await page.getByTestId('export-open').click()
    const path = join(t.dir, 'receipts-review.csv')
    await page.getByTestId('export-path').fill(path)
    await page.getByTestId('export-bom').check()
    await page.getByTestId('export-save').click()
    await page.getByTestId('export-done').waitFor()
    const bytes = readFileSync(path)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const csv = parse<Record<string, string>>(bytes.toString('utf8').slice(1), { columns: true })
    expect(Object.keys(csv[0])).toEqual(['file', 'page', 'line', 'quad', 'text', 'status', 'confidence', 'model_text', 'error'])
    const rows = await engineRows()
    expect(csv.map((r) => r.text)).toEqual(rows.map((r) => r.text))
    expect(csv.map((r) => r.model_text)).toEqual(rows.map((r) => r.modelText))
    const status = (r: LineRow) => (r.source === 'human' ? (r.review === 'accepted' ? 'accepted' : 'corrected') : r.source)
    expect(csv.map((r) => r.status)).toEqual(rows.map(status))
    expect(csv.filter((r) => r.status === 'corrected').every((r) => r.text === r.text.toUpperCase())).toBe(true)
    expect(csv.some((r) => r.status === 'context')).toBe(true)
    expect(csv.find((r) => r.file === amount.file)).toMatchObject({ text: '-5.59', status: 'corrected' })
    expect(csv.map((r) => r.file)).toEqual(texts.map((_, i) => `line-${String(i).padStart(3, '0')}.png`))
    await page.screenshot({ path: join(results, 'review-export-1280.png') })

    // Saving again to the same file asks first, and replaces it only when told to.
    const before = statSync(path).mtimeMs
    await page.getByTestId('export-save').click()
    await page.getByTestId('export-replace').waitFor()
    expect(await page.getByTestId('export-replace').textContent()).toContain(`${path} is there already. Replace it?`)
    expect(statSync(path).mtimeMs).toBe(before)
    await page.getByTestId('export-replace-confirm').click()
    await page.getByTestId('export-done').waitFor()
    expect(readFileSync(path, 'utf8')).toBe(bytes.toString('utf8'))

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()])
    const saved = join(t.dir, 'downloaded.csv')
    await download.saveAs(saved)
    expect(readFileSync(saved, 'utf8')).toBe(bytes.toString('utf8'))
    await page.keyboard.press('Escape')
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' })
  })

  it('lays out readably at 1920×1080 and at 1280×800 (screenshots in test-results/)', async () => {
    await openedInPage()
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.getByTestId('review-list').focus()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(results, 'review-1920.png') })
    const rows = await page.getByTestId('review-row').count()
    expect(rows).toBeGreaterThan(10)
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(results, 'review-1280.png') })
    // Nothing overflows the window sideways.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
  })

  it('opens a PDF, shows its lines in reading order with their page, and outlines a line on its page', async () => {
    const pdf = join(t.dir, 'statement.pdf')
    writeFileSync(pdf, await textPdf([['Harbour Board Statement', 'Balance due RM 12.50'], ['Thank you for your custom']]))
    await page.goto(bridge.url)
    await page.getByLabel('Folder or file').fill(pdf)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('review-screen').locator('h2').textContent(), { timeout: 20_000 }).toBe('statement.pdf')
    const [pdfBatch] = await t.call('batch:list', {})
    await t.engine.batches.whenRead(pdfBatch.id)
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('3')
    await page.getByTestId('order-document').click()
    await expect
      .poll(async () => (await shownRows()).map((r) => r.text.toLowerCase()), { timeout: 10_000 })
      .toEqual(['harbour board statement', 'balance due rm 12.50', 'thank you for your custom'])
    await page.getByTestId('review-list').focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Alt+P')
    const view = page.getByTestId('page-view')
    await view.locator('polygon').first().waitFor()
    expect(await view.textContent()).toContain('Page 1 of statement.pdf')
    await page.screenshot({ path: join(results, 'review-pdf-page-1280.png') })
    await page.keyboard.press('Alt+P')
  })

  it('marks a line not text with x and with the mouse, leaves it out of the order and the counts, and undoes it', async () => {
    await openedInPage()
    const first = await focusedId()
    // From the list: Esc leaves the text box, x marks the focused line and moves on.
    await page.keyboard.press('Escape')
    await page.keyboard.press('x')
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('47 · 1 not text')
    await expect.poll(focusedId).not.toBe(first)
    expect((await shownRows()).map((r) => r.id)).not.toContain(first)
    const marked = (await engineRows()).find((r) => r.id === first)!
    expect(marked.notText).toBe(true)
    // The second with the mouse: the row's ✕.
    const second = await focusedId()
    await page.locator(`[data-testid="review-row"][data-line-id="${second}"] [data-testid="row-not-text"]`).click()
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('46 · 2 not text')
    await page.getByTestId('line-filter').selectOption('not-text')
    await expect.poll(async () => (await shownRows()).map((r) => r.id).sort(), { timeout: 10_000 }).toEqual([first, second].sort())
    await page.screenshot({ path: join(results, 'review-not-text-1280.png') })
    await page.getByTestId('line-filter').selectOption('all')
    // Undo takes the marks back, the last first.
    await page.getByTestId('review-list').focus()
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('47 · 1 not text')
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('48')
    expect((await engineRows()).filter((r) => r.notText)).toEqual([])
  })

  it('opens the batch a folder already is when it is opened again, and offers to read the files added since', async () => {
    const again = join(scratch, `again-${Date.now()}`)
    await renderLines(again, texts.slice(0, 3))
    const open = async () => {
      await page.getByLabel('Folder or file').fill(again)
      await page.getByLabel('Folder or file').press('Enter')
    }
    await page.goto(bridge.url)
    await open()
    await page.getByTestId('review-screen').waitFor()
    const [batch] = await t.call('batch:list', {})
    await t.engine.batches.whenRead(batch.id)
    await t.call('review:correct', { lineId: (await t.call('batch:lines', { batchId: batch.id })).rows[0].id, text: texts[0].toUpperCase() })
    await renderLines(again, [{ file: 'line-999.png', text: 'cash total 99' }])
    await open()
    await expect.poll(() => page.getByTestId('reopened').textContent(), { timeout: 20_000 }).toContain('1 new file since (line-999.png)')
    expect((await t.call('batch:list', {})).map((b) => b.id)).toEqual([batch.id])
    await expect.poll(() => page.getByTestId('count-reviewed').textContent(), { timeout: 20_000 }).toBe('1')
    await page.getByTestId('read-new').click()
    await expect.poll(() => page.getByTestId('count-lines').textContent(), { timeout: 20_000 }).toBe('4')
    await t.engine.batches.whenRead(batch.id)
  })
})
