import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { evaluatePages, formatPages, quarterTurns, truthLine } from '../../src/cli/eval-pages'
import { renderPage } from '../fixtures/render-page'

describe('eval-pages', () => {
  it('scores a labelled page: every drawn line found and matched, none extra', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-eval-pages-'))
    mkdirSync(join(dir, 'pages'))
    const page = await renderPage({ columns: [['Invoice No: 4471-22', 'TOTAL RM 12.50', 'Thank you! Please come again.']] })
    writeFileSync(join(dir, 'pages', '1.png'), page.png)
    // The labels are the boxes the lines were drawn in, grown to the size of a DB box around the ink.
    const lines = page.lines.map(({ text, box: [x, y, w, h] }) => ({
      text,
      quad: [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
      ],
    }))
    // A line nobody drew: it must count against recall.
    lines.push({ text: 'MISSING', quad: [[0, 0], [10, 0], [10, 10], [0, 10]] })
    writeFileSync(join(dir, 'pages', 'pages.jsonl'), `${JSON.stringify({ page: 'pages/1.png', lines })}\n`)
    const report = await evaluatePages(dir, { reference: false })
    expect(report.ours.pages).toBe(1)
    expect(report.ours.truthLines).toBe(4)
    expect(report.ours.matched).toBe(3)
    expect(report.ours.detection.precision).toBe(100)
    expect(report.ours.detection.recall).toBe(75)
    expect(report.ours.endToEnd.cerCaseInsensitive).toBeLessThan(15)
    expect(report.ours.orientation).toEqual({ upsideDown: 0, sideways: 0 })
    expect(formatPages(report)).toMatch(/lector .* 100\.00/)
  })

  it('reads labelled boxes [x0, y0, x1, y1] as well as quads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-eval-pages-'))
    mkdirSync(join(dir, 'pages'))
    const page = await renderPage({ columns: [['Invoice No: 4471-22', 'TOTAL RM 12.50']] })
    writeFileSync(join(dir, 'pages', '1.png'), page.png)
    const lines = page.lines.map(({ text, box: [x, y, w, h] }) => ({ text, box: [x, y, x + w, y + h] }))
    writeFileSync(join(dir, 'pages', 'pages.jsonl'), `${JSON.stringify({ page: 'pages/1.png', lines })}\n`)
    const report = await evaluatePages(dir, { reference: false })
    expect(report.ours.truthLines).toBe(2)
    expect(report.ours.matched).toBe(2)
    expect(report.ours.orientation).toEqual({ upsideDown: 0, sideways: 0 })
  })

  it('tells how a found line is turned against its label', () => {
    const box = truthLine({ text: 'TOTAL', box: [10, 10, 110, 30] }).quad
    expect(quarterTurns(box, box)).toBe(0)
    expect(quarterTurns(box, [box[2], box[3], box[0], box[1]])).toBe(2)
    expect(quarterTurns(box, [box[1], box[2], box[3], box[0]])).toBe(1)
    // A tall label of several characters reads top to bottom: it starts at its box's top-right corner.
    const tall = truthLine({ text: '2040550', box: [500, 100, 520, 200] })
    expect(tall.quad[0]).toEqual([520, 100])
    // A checkbox glyph is not text a recognizer can read.
    expect(truthLine({ text: '\u2610 Yes  \u2611 No', box: [0, 0, 50, 10] }).text).toBe('Yes No')
  })
})
