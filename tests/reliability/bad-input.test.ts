// Bad input through the real engine: damaged, mislabelled, empty and hostile image files in a batch, lines
// of extreme size, and corrections with text that breaks naive code. Each bad item gets its own clear
// error or message, the rest of the batch proceeds, and what was saved before is still there after it
// and after a restart.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BatchSummary, LineRow } from '../../src/shared/api'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'
import { corrupted, pngBomb, truncated, wideLine } from './bad-images'

// Each test opens batches of its own (a restart reopens the same library, with the others' batches in it).
const t = useEngine({ name: 'bad-input' })
const { call } = t

async function open(folder: string): Promise<{ batch: BatchSummary; rows: LineRow[] }> {
  const opened = await call('batch:openFolder', { path: folder })
  await t.engine.batches.whenRead(opened.id)
  return { batch: await summary(opened.id), rows: await lines(opened.id) }
}

async function summary(batchId: number): Promise<BatchSummary> {
  return (await call('batch:list', {})).find((b) => b.id === batchId)!
}

async function lines(batchId: number): Promise<LineRow[]> {
  return (await call('batch:lines', { batchId, limit: 500 })).rows
}

/** The highest resident set size seen while `work` runs, above what it was before, in MiB. */
async function peakGrowthMiB<T>(work: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const before = process.memoryUsage.rss()
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5)
  try {
    const value = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { value, growth: (peak - before) / 2 ** 20 }
  } finally {
    clearInterval(timer)
  }
}

// Corrections that break naive code: terminal escapes and C0/C1 controls (NUL included), right-to-left
// scripts and an override, emoji sequences (ZWJ, flags, keycaps), stacked and decomposed combining marks,
// and the longest line the contract allows.
const hostile = {
  controls: 'TAB\there NUL\u0000 BEL\u0007 ESC\u001b[31mRED\u001b[0m CR\rLF\n DEL\u007f C1\u0085\u009b end',
  rtl: 'סה״כ לתשלום 12.50 ₪ — المجموع ١٢٫٥٠ \u202eevil.exe\u202c',
  emoji: '👩‍👩‍👧‍👦 🇲🇾 🎉 ✔️ 1️⃣ 🏳️‍🌈',
  combining: 'Cafe\u0301 (decomposed) Café (composed) a\u030a\u0323 Z\u0324\u0308\u0345 ก\u0e34\u0e4a',
  long: 'TOTAL 12.50 cash change '.repeat(417).slice(0, 10_000),
}

/** A new batch of six plain lines, the first five corrected to the hostile texts. */
async function hostileBatch(): Promise<{ batch: BatchSummary; rows: LineRow[] }> {
  const texts = await open(join(t.dir, 'texts'))
  for (const [i, text] of Object.values(hostile).entries()) await call('review:correct', { lineId: texts.rows[i].id, text })
  return texts
}

/** Good lines and damaged files of every kind, in one folder (written once). */
let mixedFolder: Promise<string> | undefined
function damagedFolder(): Promise<string> {
  mixedFolder ??= (async () => {
    const folder = join(t.dir, 'mixed')
    const [good] = await renderLines(folder, [
      { file: '01-good.png', text: 'Hello world' },
      { file: '02-good.png', text: 'TOTAL RM 12.50' },
    ])
    const png = readFileSync(good)
    const jpeg = await sharp((await renderLines(join(t.dir, 'tmp'), ['GST 6% 0.71']))[0]).jpeg({ quality: 95 }).toBuffer()
    writeFileSync(join(folder, '03-jpeg-named.png'), jpeg)
    writeFileSync(join(folder, '04-truncated.png'), truncated(png))
    writeFileSync(join(folder, '05-truncated.jpg'), truncated(jpeg))
    writeFileSync(join(folder, '06-corrupt.png'), corrupted(png))
    writeFileSync(join(folder, '07-empty.png'), Buffer.alloc(0))
    writeFileSync(join(folder, '08-text.png'), 'TOTAL RM 12.50\nthis is a text file\n')
    writeFileSync(join(folder, '09-bomb.png'), pngBomb())
    await renderLines(folder, [{ file: '10-good.png', text: 'cash change' }])
    return folder
  })()
  return mixedFolder
}

describe('bad input', () => {
  // Each test opens its own batch of these lines.
  beforeAll(async () => {
    await renderLines(join(t.dir, 'texts'), ['Hello world', 'TOTAL RM 12.50', 'cash change', 'GST 6% 0.71', 'Thank you', 'please come again'])
  })

  it('stores corrections with control characters, right-to-left text, emoji, combining marks and 10,000 characters exactly', async () => {
    const entries = Object.entries(hostile)
    expect(hostile.long.length).toBe(10_000)
    const texts = await hostileBatch()
    const rows = await lines(texts.batch.id)
    for (const [i, [kind, text]] of entries.entries()) {
      expect({ kind, text: rows[i].text, source: rows[i].source }).toEqual({ kind, text, source: 'human' })
    }
    // The same through the other read path (a line's in-context examples, the detail view).
    const byId = await call('line:rows', { ids: texts.rows.slice(0, entries.length).map((r) => r.id) })
    expect(byId.map((r) => r.text)).toEqual(entries.map(([, text]) => text))
  })

  it('refuses a correction of more than 10,000 characters with a clear message and leaves the line as it was', async () => {
    const texts = await open(join(t.dir, 'texts'))
    const line = texts.rows[5]
    const result = await t.engine.dispatch('review:correct', { lineId: line.id, text: 'x'.repeat(10_001) })
    expect(result).toEqual({
      ok: false,
      code: 'bad-input',
      message: 'Invalid input for review:correct: text: a line of text is at most 10,000 characters',
    })
    expect((await lines(texts.batch.id))[5]).toMatchObject({ text: line.text, source: line.source })
  })

  it('counts the 10,000-character limit in characters, not UTF-16 units: 10,000 emoji are kept, 10,001 refused', async () => {
    const texts = await open(join(t.dir, 'texts'))
    const line = texts.rows[5]
    const over = await t.engine.dispatch('review:correct', { lineId: line.id, text: '🎉'.repeat(10_001) })
    expect(over).toMatchObject({ ok: false, code: 'bad-input', message: expect.stringContaining('at most 10,000 characters') })
    const emoji = '🎉'.repeat(10_000)
    expect(emoji.length).toBe(20_000)
    await call('review:correct', { lineId: line.id, text: emoji })
    expect((await lines(texts.batch.id))[5]).toMatchObject({ text: emoji, source: 'human' })
  })

  it('reads the good lines of a folder of damaged files and gives each damaged file its own clear error', async () => {
    const { batch, rows } = await open(await damagedFolder())
    expect(rows.map((r) => [r.file, r.state, r.text, r.error])).toEqual([
      ['01-good.png', 'read', 'Hello world', null],
      ['02-good.png', 'read', 'TOTAL RM 12.50', null],
      // Read by its content, whatever its name says.
      ['03-jpeg-named.png', 'read', 'GST 6% 0.71', null],
      ['04-truncated.png', 'failed', '', expect.stringMatching(/^damaged or unreadable image \(.+\)$/)],
      ['05-truncated.jpg', 'failed', '', expect.stringMatching(/^damaged or unreadable image \(.+\)$/)],
      ['06-corrupt.png', 'failed', '', expect.stringMatching(/^damaged or unreadable image \(.+\)$/)],
      ['07-empty.png', 'failed', '', 'empty file (0 bytes)'],
      ['08-text.png', 'failed', '', 'not an image Lector can read (unknown or unsupported format)'],
      ['10-good.png', 'read', 'cash change', null],
      // Its declared size makes it a page (pages come after the cut lines); refused from its header.
      ['09-bomb.png', 'failed', '', expect.stringMatching(/09-bomb\.png: the image is too large \(30000 × 30000 pixels; Lector opens images up to 600 megapixels\)\.$/)],
    ])
    expect(batch).toMatchObject({ lineCount: 10, doneCount: 10, errorCount: 6, jobId: null })
    // A damaged line still has its place in the review list, and its image says why it cannot be shown.
    const crop = await t.engine.dispatch('line:crop', { lineId: rows[5].id })
    expect(crop).toMatchObject({ ok: false, code: 'unreadable', message: expect.stringMatching(/^Cannot show the image of line \d+: /) })
  })

  it('refuses a decompression bomb from its declared size, without decoding it', async () => {
    const folder = join(t.dir, 'bomb')
    mkdirSync(folder)
    writeFileSync(join(folder, 'bomb.png'), pngBomb())
    const { value, growth } = await peakGrowthMiB(() => open(folder))
    expect(value.rows[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/bomb\.png: the image is too large \(30000 × 30000 pixels/) })
    // Decoding it would take 900 MB as one band, 2.7 GB as RGB.
    expect(growth).toBeLessThan(150)
  })

  it('reads a 1×1 crop and a 100,000-pixel-wide crop without crashing, in bounded memory', async () => {
    const folder = join(t.dir, 'extremes')
    await renderLines(folder, [{ file: '1-good.png', text: 'Hello world' }])
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } }).png().toFile(join(folder, '2-dot.png'))
    // 96 px high: the model sees it 48 px high and 50,000 px wide, about 40 windows.
    writeFileSync(join(folder, '3-wide.png'), await wideLine('TOTAL 12.50 cash ', 100_000, 96))
    const { value, growth } = await peakGrowthMiB(() => open(folder))
    const [good, dot, wide] = value.rows
    expect(good).toMatchObject({ state: 'read', text: 'Hello world' })
    expect(dot).toMatchObject({ state: 'read', error: null })
    expect(wide).toMatchObject({ state: 'read', error: null })
    // Read across its windows: the repeated phrase about 150 times (one per tile), not a fragment.
    expect(wide.text.split('TOTAL 12.50').length - 1).toBeGreaterThan(140)
    expect(growth).toBeLessThan(600)
    // Both can be corrected like any other line.
    await call('review:correct', { lineId: dot.id, text: 'dot' })
    await call('review:correct', { lineId: wide.id, text: hostile.long })
  })

  it('keeps every correction and every error exactly as they were after a restart', async () => {
    const texts = await hostileBatch()
    await open(await damagedFolder())
    const before = new Map<number, LineRow[]>()
    for (const b of await call('batch:list', {})) before.set(b.id, await lines(b.id))
    await t.restart()
    for (const [batchId, rows] of before) {
      const now = await lines(batchId)
      const pick = (r: LineRow) => ({ file: r.file, state: r.state, source: r.source, text: r.source === 'human' ? r.text : '', error: r.error })
      expect(now.map(pick)).toEqual(rows.map(pick))
    }
    const rows = await lines(texts.batch.id)
    expect(rows.slice(0, 5).map((r) => r.text)).toEqual(Object.values(hostile))
  })

  // A string with an unpaired UTF-16 surrogate would be stored as U+FFFD by SQLite: it is refused.
  it('refuses a correction with an unpaired surrogate, or stores it exactly', async () => {
    const texts = await open(join(t.dir, 'texts'))
    const line = texts.rows[5]
    const text = 'TOTAL \ud800 12.50'
    const result = await t.engine.dispatch('review:correct', { lineId: line.id, text })
    if (!result.ok) {
      expect(result).toMatchObject({ code: 'bad-input', message: expect.stringMatching(/surrogate|not valid text|unicode/i) })
      return
    }
    expect((await lines(texts.batch.id))[5].text).toBe(text)
  })

  // The reviewer can type the text of a line whose image could not be read: it is kept and acknowledged.
  it('takes a correction of a line that could not be read, or refuses it clearly without keeping it', async () => {
    const mixed = await open(await damagedFolder())
    const failed = mixed.rows.find((r) => r.file === '07-empty.png')!
    const result = await t.engine.dispatch('review:correct', { lineId: failed.id, text: 'typed by the reviewer' })
    const after = (await lines(mixed.batch.id)).find((r) => r.id === failed.id)!
    if (result.ok) expect(after).toMatchObject({ source: 'human', text: 'typed by the reviewer' })
    else {
      expect(result.code).toBe('bad-input')
      expect(after.source).not.toBe('human')
    }
  })
})
