// Documents through the engine contract: page scans and PDFs are opened like folders of lines; their
// lines are found, stored with crop and quad, read in reading order, and a damaged document fails alone.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { distance } from 'fastest-levenshtein'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { corruptPdf, encryptedPdf, hugePng, pngBomb, textPdf, zeroPagePdf } from '../fixtures/documents'
import { renderLines } from '../fixtures/render-lines'
import { renderPage } from '../fixtures/render-page'
import { useEngine } from '../fixtures/use-engine'

// Each test opens folders of its own.
const t = useEngine({ name: 'documents' })
const { call } = t

const close = (a: string, b: string) => distance(a.toLowerCase(), b.toLowerCase()) <= Math.max(1, Math.round(b.length * 0.1))

describe('documents', () => {
  it('finds and reads the lines of a page scan and a two-page PDF, in reading order, beside cut lines', async () => {
    const folder = join(t.dir, 'mixed')
    mkdirSync(folder)
    const scan = await renderPage({ columns: [['Invoice No: 4471-22', 'TOTAL RM 12.50', 'Thank you! Please come again.']] })
    // On a page of scan size (the lines stay where they were drawn): a small image would be a cut line.
    const page = await sharp(scan.png).extend({ right: 1000 - scan.width, bottom: 1400 - scan.height, background: '#ffffff' }).png().toBuffer()
    writeFileSync(join(folder, '1-scan.png'), page)
    writeFileSync(join(folder, '2-report.pdf'), await textPdf([['Harbour Board Report', 'Ships entering rose'], ['Cargo handled fell']]))
    await renderLines(folder, [{ file: '0-line.png', text: 'cash change' }])
    writeFileSync(join(folder, 'notes.txt'), 'not a document')

    const progress: Array<{ pages?: { total: number; done: number } }> = []
    const off = t.engine.events.on('job:progressed', (p) => progress.push(p))
    const batch = await call('batch:openPaths', { paths: [folder] })
    expect(batch.skippedFiles).toEqual(['notes.txt'])
    await t.engine.batches.whenRead(batch.id)
    off()
    const summary = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(summary.pages).toEqual({ total: 3, done: 3 })
    expect(progress.at(-1)).toMatchObject({ pages: { total: 3, done: 3 } })

    const { rows } = await call('batch:lines', { batchId: batch.id, limit: 100 })
    expect(rows.every((r) => r.state === 'read')).toBe(true)
    // The cut line first (it was a line already), then each document's lines, page by page, top to bottom.
    const expected = [
      ['0-line.png', null, 'cash change'],
      ['1-scan.png', 1, 'Invoice No: 4471-22'],
      ['1-scan.png', 1, 'TOTAL RM 12.50'],
      ['1-scan.png', 1, 'Thank you! Please come again.'],
      ['2-report.pdf', 1, 'Harbour Board Report'],
      ['2-report.pdf', 1, 'Ships entering rose'],
      ['2-report.pdf', 2, 'Cargo handled fell'],
    ] as const
    expect(rows.map((r) => [r.file, r.page])).toEqual(expected.map(([file, page]) => [file, page]))
    rows.forEach((r, i) => expect(close(r.text, expected[i][2]), `${r.text} ≈ ${expected[i][2]}`).toBe(true))

    // A found line knows its place on its page: the quad lies where the line was drawn.
    const total = rows[2]
    const drawn = scan.lines[1].box
    const xs = total.quad!.map(([x]) => x)
    const ys = total.quad!.map(([, y]) => y)
    expect(Math.min(...ys)).toBeLessThan(drawn[1] + drawn[3] / 2)
    expect(Math.max(...ys)).toBeGreaterThan(drawn[1] + drawn[3] / 2)
    expect(Math.min(...xs)).toBeLessThan(drawn[0] + 20)
    const view = await call('line:page', { lineId: total.id })
    expect(view).toMatchObject({ file: '1-scan.png', page: 1, width: 1000, height: 1400, quad: total.quad })
    expect(view!.dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//)
    expect(await call('line:page', { lineId: rows[0].id })).toBeNull()
    const crop = await call('line:crop', { lineId: total.id })
    expect(crop.dataUrl).toMatch(/^data:image\/png;base64,/)
  })

  it('tells a small page scan from a large cut line by the lines found on them, not by their size', async () => {
    const folder = join(t.dir, 'small')
    mkdirSync(folder)
    // A receipt scanned small (463 × 605 px, as in issue 22): too small to be a page by its size alone.
    const scan = await renderPage({ columns: [['Invoice No: 4471-22', 'TOTAL RM 12.50', 'Thank you!']] })
    const small = await sharp(scan.png).extend({ right: 463 - scan.width, bottom: 605 - scan.height, background: '#ffffff' }).png().toBuffer()
    writeFileSync(join(folder, '1-receipt.png'), small)
    // A word cut from a poster: larger than many scans' lines, still one line.
    const [word] = await renderLines(join(t.dir, 'small-src'), ['HARBOUR'])
    writeFileSync(join(folder, '2-word.png'), await sharp(word).resize({ height: 130 }).png().toBuffer())
    const batch = await call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const summary = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(summary.pages).toEqual({ total: 1, done: 1 })
    const { rows } = await call('batch:lines', { batchId: batch.id, limit: 100 })
    expect(rows.map((r) => [r.file, r.page, r.state])).toEqual([
      ['1-receipt.png', 1, 'read'],
      ['1-receipt.png', 1, 'read'],
      ['1-receipt.png', 1, 'read'],
      ['2-word.png', null, 'read'],
    ])
    // (This small print loses its spaces: what matters here is which image was read as what.)
    expect(rows.map((r) => r.text.replace(/ /g, ''))).toEqual(['InvoiceNo:4471-22', 'TOTALRM12.50', 'Thankyou!', 'HARBOUR'])
    expect(rows[3].quad).toBeNull()
  })

  it('gives a password-protected PDF one failed line with a clear message, and reads the rest', async () => {
    const folder = join(t.dir, 'locked')
    mkdirSync(folder)
    writeFileSync(join(folder, 'a-locked.pdf'), encryptedPdf())
    writeFileSync(join(folder, 'b-open.pdf'), await textPdf([['TOTAL RM 12.50']]))
    const batch = await call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const { rows } = await call('batch:lines', { batchId: batch.id, limit: 100 })
    expect(rows[0]).toMatchObject({ file: 'a-locked.pdf', state: 'failed', page: 1, error: expect.stringMatching(/password-protected/) })
    expect(rows.slice(1).map((r) => [r.file, r.state])).toEqual([['b-open.pdf', 'read']])
    expect(close(rows[1].text, 'TOTAL RM 12.50')).toBe(true)
  })

  it('gives a corrupt PDF, a PDF without pages, a blank 20,000 × 20,000 scan and a bomb each a clear failed line, and reads the rest', async () => {
    const folder = join(t.dir, 'bad')
    mkdirSync(folder)
    writeFileSync(join(folder, 'a-corrupt.pdf'), corruptPdf())
    writeFileSync(join(folder, 'b-empty.pdf'), zeroPagePdf())
    writeFileSync(join(folder, 'c-huge.png'), hugePng(20_000))
    writeFileSync(join(folder, 'd-bomb.png'), pngBomb())
    writeFileSync(join(folder, 'e-good.pdf'), await textPdf([['TOTAL RM 12.50']]))
    const rssBefore = process.memoryUsage.rss()
    const batch = await call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const { rows } = await call('batch:lines', { batchId: batch.id, limit: 100 })
    expect(rows.map((r) => [r.file, r.state])).toEqual([
      ['a-corrupt.pdf', 'failed'],
      ['b-empty.pdf', 'failed'],
      ['c-huge.png', 'failed'],
      ['d-bomb.png', 'failed'],
      ['e-good.pdf', 'read'],
    ])
    expect(rows[0].error).toMatch(/a-corrupt\.pdf.*damaged/)
    expect(rows[1].error).toMatch(/b-empty\.pdf: this PDF has no pages/)
    expect(rows[2].error).toMatch(/No text lines found on page 1 of .*c-huge\.png/)
    expect(rows[3].error).toMatch(/d-bomb\.png.*too large/)
    expect(close(rows[4].text, 'TOTAL RM 12.50')).toBe(true)
    // The huge scan was shrunk while decoding: the process did not grow by its full size (1.2 GB as RGB).
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(900 * 2 ** 20)
  })

  it('reads two PDF batches opened at once, each to its last page', async () => {
    const make = async (name: string, pages: string[][]) => {
      const folder = join(t.dir, name)
      mkdirSync(folder)
      writeFileSync(join(folder, `${name}.pdf`), await textPdf(pages))
      return folder
    }
    const a = await make('first', [['Alpha one'], ['Alpha two'], ['Alpha three']])
    const b = await make('second', [['Beta one'], ['Beta two'], ['Beta three']])
    const [first, second] = await Promise.all([call('batch:openFolder', { path: a }), call('batch:openFolder', { path: b })])
    await Promise.all([t.engine.batches.whenRead(first.id), t.engine.batches.whenRead(second.id)])
    for (const [batch, word] of [[first, 'alpha'], [second, 'beta']] as const) {
      const { rows } = await call('batch:lines', { batchId: batch.id, limit: 10 })
      expect(rows.map((r) => [r.page, r.state, r.error])).toEqual([
        [1, 'read', null],
        [2, 'read', null],
        [3, 'read', null],
      ])
      expect(rows.map((r) => r.text.toLowerCase())).toEqual(['one', 'two', 'three'].map((n) => `${word} ${n}`))
    }
  })
})
