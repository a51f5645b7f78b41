import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokenPagePdf, corruptPdf, encryptedPdf, textPdf, zeroPagePdf } from '../../../../tests/fixtures/documents'
import { openPageSource } from './open-page-source'
import { inkIn, useScratch } from './test-helpers'
import type { PageSource } from './types'

describe('a PDF page source', () => {
  const files = useScratch()
  let pdf: PageSource
  beforeAll(async () => {
    const path = await files.write('letters.pdf', await textPdf([['Hello Lector', 'Second line'], ['Page two only text'], ['Three']], { image: true }))
    pdf = await openPageSource(path)
  })
  afterAll(async () => {
    await pdf?.close()
  })

  it('counts the pages and says it is a PDF', () => {
    expect(pdf.kind).toBe('pdf')
    expect(pdf.pageCount).toBe(3)
  })

  it('renders an A4 page at 200 dpi by default, as 8-bit RGB', async () => {
    const page = await pdf.render(0)
    expect([page.width, page.height, page.channels]).toEqual([1653, 2338, 3])
    expect(page.data.length).toBe(1653 * 2338 * 3)
  })

  it('puts the text and the embedded image where the PDF draws them', async () => {
    const page = await pdf.render(0)
    // The 1-inch image spans 100–300 px from the top and from the left edge at 200 dpi.
    expect(inkIn(page, 210, 110, 390, 290)).toBeGreaterThan(0.99)
    // The first line's baseline is 400 px down: its letters sit just above it, from x = 200 on.
    expect(inkIn(page, 195, 345, 900, 402)).toBeGreaterThan(0.08)
    expect(inkIn(page, 0, 0, 195, 2338)).toBe(0)
    expect(inkIn(page, 195, 302, 900, 340)).toBe(0)
    // Nothing below the second line (baseline at 500 px).
    expect(inkIn(page, 0, 520, 1653, 2338)).toBe(0)
  })

  it('renders the text of a page that has no image, with the standard font pdf.js ships', async () => {
    const page = await pdf.render(1)
    expect(inkIn(page, 195, 345, 1200, 402)).toBeGreaterThan(0.08)
    expect(inkIn(page, 0, 0, 1653, 340)).toBe(0)
  })

  it('renders at the resolution asked for', async () => {
    const page = await pdf.render(2, { dpi: 100 })
    expect([page.width, page.height]).toEqual([826, 1169])
  })

  it('refuses a page number outside the document and an absurd resolution', async () => {
    await expect(pdf.render(3)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('has no page 4 (it has 3)') })
    await expect(pdf.render(0, { dpi: 5000 })).rejects.toMatchObject({ code: 'bad-input' })
  })

  it("returns a page's own text layer in reading order", async () => {
    const text = await pdf.textLayer!(0)
    expect(text).toMatch(/Hello Lector\s+Second line/)
    expect(await pdf.textLayer!(1)).toBe('Page two only text')
  })
})

describe('PDF pages and limits', () => {
  const files = useScratch()

  it('lowers the resolution of a page that would exceed maxPixels, keeping its shape', async () => {
    // A0 at 200 dpi would be 6622 × 9362 (62 MP).
    const path = await files.write('poster.pdf', await textPdf([['Poster']], { size: [2383.94, 3370.39] }))
    const source = await openPageSource(path, { maxPixels: 4_000_000 })
    const page = await source.render(0)
    await source.close()
    expect(page.width * page.height).toBeLessThanOrEqual(4_000_000)
    expect(page.width * page.height).toBeGreaterThan(3_950_000)
    expect(page.width / page.height).toBeCloseTo(2383.94 / 3370.39, 2)
  })

  it('turns a page with /Rotate 90 upright (landscape)', async () => {
    const source = await openPageSource(await files.write('turned.pdf', await textPdf([['Sideways']], { rotate: 90 })))
    const page = await source.render(0, { dpi: 72 })
    await source.close()
    expect([page.width, page.height]).toEqual([841, 595])
  })

  it('fails on one broken page alone: the pages around it still render', async () => {
    const source = await openPageSource(await files.write('broken.pdf', brokenPagePdf()))
    expect(source.pageCount).toBe(3)
    await expect(source.render(0)).resolves.toMatchObject({ width: 555, height: 555 })
    await expect(source.render(1)).rejects.toMatchObject({ code: 'unreadable', message: expect.stringMatching(/^Cannot render page 2 of .*broken\.pdf/) })
    await expect(source.render(2)).resolves.toMatchObject({ width: 555, height: 555 })
    expect(await source.textLayer!(0)).toBe('')
    await expect(source.textLayer!(1)).rejects.toMatchObject({ code: 'unreadable' })
    await source.close()
  })

  it('refuses a password-protected PDF with a message that says so', async () => {
    const path = await files.write('secret.pdf', encryptedPdf())
    await expect(openPageSource(path)).rejects.toMatchObject({
      code: 'bad-input',
      message: `${path}: This PDF is password-protected; Lector cannot open it.`,
    })
  })

  it('refuses a damaged PDF, naming the file', async () => {
    const path = await files.write('damaged.pdf', corruptPdf())
    await expect(openPageSource(path)).rejects.toMatchObject({ code: 'unreadable', message: expect.stringContaining(`Cannot open ${path}: the PDF is damaged`) })
  })

  it('refuses a PDF with no pages', async () => {
    const path = await files.write('empty-doc.pdf', zeroPagePdf())
    await expect(openPageSource(path)).rejects.toMatchObject({ code: 'bad-input', message: `${path}: this PDF has no pages.` })
  })
})
