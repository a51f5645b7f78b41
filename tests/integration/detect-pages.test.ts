import { distance } from 'fastest-levenshtein'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contrast, cropQuad } from '../../src/main/core/detect/crop'
import { loadDetector, type LocalDetector } from '../../src/main/core/detect/detector'
import { loadOpenCv } from '../../src/main/core/detect/opencv'
import { startDetector } from '../../src/main/core/detect/detector-client'
import { LectorError } from '../../src/main/core/errors'
import type { DetectedLine, RasterPage } from '../../src/main/core/pages/types'
import { loadRecognizer, type Recognizer } from '../../src/main/core/recognize/recognizer'
import { renderPage, turnPage, type RenderedPage } from '../fixtures/render-page'

const single = {
  columns: [
    [
      'Invoice No: 4471-22 issued on 18 March',
      'The quick brown fox jumps over',
      'TOTAL RM 12.50',
      'Thank you! Please come again.',
    ],
  ],
}

const twoColumns = {
  title: 'Quarterly Report of the Harbour Board',
  columns: [
    ['Ships entering the harbour rose', 'again this quarter, helped by', 'the new northern quay and', 'longer opening hours.'],
    ['Cargo handled fell slightly as', 'grain exports moved to rail,', 'while container traffic grew', 'for the fourth quarter running.'],
  ],
}

let detector: LocalDetector
let recognizer: Recognizer
let singlePage: RenderedPage
let twoColumnPage: RenderedPage

beforeAll(async () => {
  ;[detector, recognizer, singlePage, twoColumnPage] = await Promise.all([
    loadDetector({ providers: ['cpu'] }),
    loadRecognizer({ providers: ['cpu'] }),
    renderPage(single),
    renderPage(twoColumns),
  ])
})
afterAll(async () => {
  await detector?.release()
  await recognizer?.release()
})

async function read(lines: DetectedLine[]): Promise<string[]> {
  const results = await recognizer.read(lines.map((l) => l.crop))
  return results.map((r) => (r.ok ? r.reading.text : `error: ${r.error}`))
}

/**
 * The lines read in order, each close to the text drawn. Spaces are left out of the comparison: on tight
 * page crops of this small type the recognizer often drops them (eval-pages measures that); this test is
 * about which lines are found, in what order, and that each comes out upright.
 */
function expectReadInOrder(texts: string[], expected: string[]): void {
  const squeeze = (s: string) => s.replace(/\s+/g, '')
  expect(texts).toHaveLength(expected.length)
  texts.forEach((t, i) => {
    const want = squeeze(expected[i])
    expect(distance(squeeze(t), want), `line ${i}: "${t}" for "${expected[i]}"`).toBeLessThanOrEqual(Math.ceil(want.length * 0.1))
  })
}

function inside(page: RasterPage, lines: DetectedLine[]): boolean {
  return lines.every((l) => l.quad.every(([x, y]) => x >= 0 && y >= 0 && x <= page.width && y <= page.height))
}

describe('detector on generated pages', () => {
  it.each([
    [0, 0],
    [90, 90],
    [180, 180],
    [270, 270],
    [2, 0],
    [88, 90],
    [182, 180],
    [268, 270],
  ])('reads a page turned %i° in the right order, each line turned back upright', async (turn, quarter) => {
    const page = await turnPage(singlePage.png, turn)
    const lines = await detector.detect(page)
    expectReadInOrder(await read(lines), singlePage.lines.map((l) => l.text))
    expect(lines.map((l) => l.rotation)).toEqual(lines.map(() => (360 - quarter) % 360))
    expect(inside(page, lines)).toBe(true)
  })

  it('reads a two-column page column by column, the title first', async () => {
    for (const turn of [-2, 90]) {
      const page = await turnPage(twoColumnPage.png, turn)
      const lines = await detector.detect(page)
      expectReadInOrder(await read(lines), twoColumnPage.lines.map((l) => l.text))
    }
  })

  it("places each quad on the line it was drawn at, starting at the text's top-left", async () => {
    const page = await turnPage(singlePage.png, 0)
    const lines = await detector.detect(page)
    lines.forEach((line, i) => {
      const [x, y, w, h] = singlePage.lines[i].box
      const cx = line.quad.reduce((s, p) => s + p[0], 0) / 4
      const cy = line.quad.reduce((s, p) => s + p[1], 0) / 4
      expect(Math.abs(cx - (x + w / 2))).toBeLessThan(w * 0.1)
      expect(Math.abs(cy - (y + h / 2))).toBeLessThan(h * 0.5)
      // Top-left first, clockwise: the first corner is left of the second and above the fourth.
      expect(line.quad[0][0]).toBeLessThan(line.quad[1][0])
      expect(line.quad[0][1]).toBeLessThan(line.quad[3][1])
    })
    // Turned 90° clockwise, the text's top-left lies at the page's top-right side.
    const turned = await turnPage(singlePage.png, 90)
    const first = (await detector.detect(turned))[0]
    expect(first.quad[0][0]).toBeGreaterThan(first.quad[2][0])
    expect(first.quad[0][1]).toBeLessThan(first.quad[2][1])
  })

  it('reads a long receipt whose print a 960-pixel model input would shrink to a few pixels', async () => {
    // 100 short lines: ~4,000 px tall, so PaddleOCR's size (long side 960) draws the text ~5 px high,
    // where DB breaks lines apart (120 for these 100); the second look at the size it reads best finds each.
    const receipt = await renderPage({
      columns: [Array.from({ length: 100 }, (_, i) => `${String(i + 1).padStart(3, '0')} ITEM ${(i * 7.31).toFixed(2)}`)],
      font: 'mono',
    })
    const page = await turnPage(receipt.png, 0)
    expect(page.height).toBeGreaterThan(3500)
    const lines = await detector.detect(page)
    expectReadInOrder(await read(lines), receipt.lines.map((l) => l.text))
  })

  it('crops each line with the paper around its box, and judges how blank it is on the box alone', async () => {
    const { cv } = await loadOpenCv()
    const page = await turnPage(singlePage.png, 0)
    const lines = await detector.detect(page)
    for (const line of lines) {
      const box = cropQuad(cv, page, line.quad)
      expect(line.width * line.height).toBeGreaterThan(box.width * box.height)
      expect(line.contrast).toBe(contrast(box))
    }
  })

  it('refuses a page without pixels and a page too large, with a clear message', async () => {
    const empty: RasterPage = { width: 0, height: 0, channels: 3, data: Buffer.alloc(0) }
    await expect(detector.detect(empty)).rejects.toThrow(LectorError)
    await expect(detector.detect(empty)).rejects.toThrow(/no pixels/)
    const huge: RasterPage = { width: 40_000, height: 10, channels: 3, data: Buffer.alloc(40_000 * 10 * 3) }
    await expect(detector.detect(huge)).rejects.toThrow(/too large/)
  })

  it('reads a very large page through a small model input', async () => {
    // 12,000 × 9,000: past the pre-shrink size, so sharp shrinks it before OpenCV sees it.
    const width = 12_000
    const height = 9_000
    const page: RasterPage = { width, height, channels: 3, data: Buffer.alloc(width * height * 3, 255) }
    expect(await detector.detect(page)).toEqual([])
  })
})

describe('detector in a worker thread', () => {
  it('gives the same lines as in process, and keeps the error code of a bad page', async () => {
    const worker = await startDetector({ providers: ['cpu'] })
    try {
      expect(worker.provider).toBe('cpu')
      const page = await turnPage(singlePage.png, 180)
      const [here, there] = await Promise.all([detector.detect(page), worker.detect(page)])
      expect(there.map((l) => l.quad)).toEqual(here.map((l) => l.quad))
      expect(Buffer.isBuffer(there[0].crop)).toBe(true)
      expect(there[0].crop.equals(here[0].crop)).toBe(true)
      const error = await worker.detect({ width: 0, height: 0, channels: 3, data: Buffer.alloc(0) }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LectorError)
      expect(error).toMatchObject({ code: 'bad-input' })
    } finally {
      await worker.release()
    }
  })
})
