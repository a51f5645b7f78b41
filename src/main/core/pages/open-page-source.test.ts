import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { bmp24 } from '../../../../tests/fixtures/documents'
import { openPageSource } from './open-page-source'
import { pixel, useScratch } from './test-helpers'

describe('openPageSource', () => {
  const files = useScratch()

  it('opens a PNG named .pdf as the image it is', async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#00ff00' } }).png().toBuffer()
    const source = await openPageSource(await files.write('misnamed.pdf', png))
    expect(source.kind).toBe('image')
    expect(pixel(await source.render(0), 3, 3)).toEqual([0, 255, 0])
  })

  it('refuses a text file named .jpg as bad input, saying what it is not', async () => {
    const path = await files.write('notes.jpg', 'Shopping list: bread, milk\n')
    await expect(openPageSource(path)).rejects.toMatchObject({
      code: 'bad-input',
      message: `${path} is not a document Lector can read despite its .jpg name: its content is not JPEG, PNG, WebP, GIF, BMP, TIFF or PDF.`,
    })
  })

  it('refuses an unknown format (a ZIP archive)', async () => {
    const path = await files.write('archive.bin', Buffer.from('PK\x03\x04' + '\0'.repeat(60), 'latin1'))
    await expect(openPageSource(path)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining(`${path} is not a document Lector can read`) })
  })

  it('says an empty file is empty, a missing file is missing, and a folder is a folder', async () => {
    const empty = await files.write('empty.png', '')
    await expect(openPageSource(empty)).rejects.toMatchObject({ code: 'bad-input', message: `${empty} is empty (0 bytes).` })
    const missing = join(files.dir, 'nowhere.pdf')
    await expect(openPageSource(missing)).rejects.toMatchObject({ code: 'not-found', message: `File not found: ${missing}` })
    await expect(openPageSource(files.dir)).rejects.toMatchObject({ code: 'bad-input', message: `${files.dir} is a folder, not a document.` })
  })

  it('refuses a maxPixels that is not a positive number', async () => {
    await expect(openPageSource(files.dir, { maxPixels: 0 })).rejects.toMatchObject({ code: 'bad-input' })
  })

  it('reads a 24-bit BMP the right way up, scaled to maxPixels', async () => {
    // Red on the top half, blue below; BMP stores the bottom row first.
    const file = bmp24(101, 60, (_x, y) => (y < 30 ? [255, 0, 0] : [0, 0, 255]))
    const source = await openPageSource(await files.write('scan.bmp', file))
    const page = await source.render(0)
    expect([source.kind, page.width, page.height]).toEqual(['image', 101, 60])
    expect([pixel(page, 50, 5), pixel(page, 50, 55)]).toEqual([[255, 0, 0], [0, 0, 255]])
    const small = await (await openPageSource(join(files.dir, 'scan.bmp'), { maxPixels: 1500 })).render(0)
    expect(small.width * small.height).toBeLessThanOrEqual(1500)
    expect(small.data.length).toBe(small.width * small.height * 3)
  })

  it('refuses a cut-short BMP, a compressed BMP and one whose header claims a huge size', async () => {
    const file = bmp24(64, 64, () => [0, 0, 0])
    const cut = await files.write('cut.bmp', file.subarray(0, 2000))
    await expect(openPageSource(cut).then((s) => s.render(0))).rejects.toMatchObject({
      code: 'unreadable',
      message: `Cannot read ${cut}: the file is cut short (the pixel data is incomplete).`,
    })
    const rle = Buffer.from(file)
    rle.writeUInt32LE(1, 30)
    const rlePath = await files.write('rle.bmp', rle)
    await expect(openPageSource(rlePath).then((s) => s.render(0))).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('save it as PNG') })
    const huge = Buffer.from(file)
    huge.writeInt32LE(50_000, 18)
    huge.writeInt32LE(50_000, 22)
    const hugePath = await files.write('huge.bmp', huge)
    await expect(openPageSource(hugePath)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('the bitmap is too large (50000 × 50000 pixels') })
  })
})
