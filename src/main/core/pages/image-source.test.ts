import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { damageTiffPage, hugePng, multiPageTiff, pngBomb, rotatedJpeg } from '../../../../tests/fixtures/documents'
import { corrupted, truncated } from '../../../../tests/reliability/bad-images'
import { openPageSource } from './open-page-source'
import { inkIn, pixel, useScratch } from './test-helpers'

describe('an image page source', () => {
  const files = useScratch()

  it('turns a JPEG upright by its EXIF orientation', async () => {
    const source = await openPageSource(await files.write('phone.jpg', await rotatedJpeg()))
    const page = await source.render(0)
    expect([source.kind, source.pageCount, page.width, page.height, page.channels]).toEqual(['image', 1, 200, 300, 3])
    // The mark stored at the top-left is at the top-right once turned 90° clockwise.
    expect(inkIn(page, 155, 5, 195, 45)).toBeGreaterThan(0.95)
    expect(inkIn(page, 5, 5, 45, 45)).toBe(0)
  })

  it('scales an EXIF-turned image to maxPixels in its upright shape', async () => {
    const source = await openPageSource(await files.write('phone-small.jpg', await rotatedJpeg()), { maxPixels: 15_000 })
    const page = await source.render(0)
    expect([page.width, page.height]).toEqual([100, 150])
    expect(inkIn(page, 80, 3, 97, 22)).toBeGreaterThan(0.95)
    expect(inkIn(page, 3, 3, 22, 22)).toBe(0)
  })

  it('gives every page of a multi-page TIFF on its own', async () => {
    const source = await openPageSource(await files.write('scan.tif', await multiPageTiff(['#ff0000', '#00ff00', '#0000ff'])))
    expect([source.kind, source.pageCount]).toEqual(['tiff', 3])
    const pages = await Promise.all([0, 1, 2].map((i) => source.render(i)))
    expect(pages.map((p) => [p.width, p.height])).toEqual([[300, 200], [300, 200], [300, 200]])
    expect(pages.map((p) => pixel(p, 150, 100))).toEqual([[255, 0, 0], [0, 255, 0], [0, 0, 255]])
    await expect(source.render(3)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('has no page 4 (it has 3)') })
  })

  it('fails on a damaged TIFF page alone: the pages around it still render', async () => {
    const path = await files.write('damaged.tif', damageTiffPage(await multiPageTiff(['#ff0000', '#00ff00', '#0000ff']), 1))
    const source = await openPageSource(path)
    expect(source.pageCount).toBe(3)
    expect(pixel(await source.render(0), 10, 10)).toEqual([255, 0, 0])
    await expect(source.render(1)).rejects.toMatchObject({ code: 'unreadable', message: expect.stringContaining(`Cannot read page 2 of ${path}: the image is damaged`) })
    expect(pixel(await source.render(2), 10, 10)).toEqual([0, 0, 255])
  })

  it('expands 16-bit, palette and grey-with-alpha PNGs to 8-bit RGB with transparency on white', async () => {
    const base = sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } })
    const sixteen = await base.clone().toColourspace('rgb16').png().toBuffer()
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort')
    const palette = await base.clone().png({ palette: true }).toBuffer()
    // Grey 0 (black) at half opacity on the left half, fully transparent on the right.
    const ga = Buffer.alloc(40 * 20 * 2)
    for (let i = 0; i < 40 * 20; i++) ga[i * 2 + 1] = i % 40 < 20 ? 128 : 0
    const greyAlpha = await sharp(ga, { raw: { width: 40, height: 20, channels: 2 } }).png().toBuffer()
    for (const [name, file, left, right] of [
      ['deep.png', sixteen, [0, 0, 255], [0, 0, 255]],
      ['palette.png', palette, [0, 0, 255], [0, 0, 255]],
      ['grey-alpha.png', greyAlpha, [127, 127, 127], [255, 255, 255]],
    ] as const) {
      const page = await (await openPageSource(await files.write(name, file))).render(0)
      expect([page.width, page.height, page.channels, page.data.length]).toEqual([40, 20, 3, 40 * 20 * 3])
      expect(pixel(page, 5, 10).map((v) => Math.round(v / 2) * 2)).toEqual(left.map((v) => Math.round(v / 2) * 2))
      expect(pixel(page, 35, 10)).toEqual(right)
    }
  })

  it('reads WebP, GIF (the first frame) and CMYK JPEG as RGB', async () => {
    const red = sharp({ create: { width: 30, height: 10, channels: 3, background: '#ff0000' } })
    const cmyk = await red.clone().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer()
    expect((await sharp(cmyk).metadata()).channels).toBe(4)
    for (const [name, file] of [['a.webp', await red.clone().webp({ lossless: true }).toBuffer()], ['a.gif', await red.clone().gif().toBuffer()], ['cmyk.jpg', cmyk]] as const) {
      const page = await (await openPageSource(await files.write(name, file))).render(0)
      expect([page.width, page.height, page.channels], name).toEqual([30, 10, 3])
      const [r, g, b] = pixel(page, 15, 5)
      expect(r > 200 && g < 60 && b < 60, `${name}: ${[r, g, b].join(', ')}`).toBe(true)
    }
  })

  it('imports a 20,000 × 20,000 PNG scaled down to maxPixels as it decodes', async () => {
    const source = await openPageSource(await files.write('huge.png', hugePng()))
    const page = await source.render(0)
    // 40 MP: √(4e7 / 4e8) = 0.316… → 6324 × 6324.
    expect([page.width, page.height]).toEqual([6324, 6324])
    // The black quadrant is still the top-left quarter.
    expect(pixel(page, 1000, 1000)).toEqual([0, 0, 0])
    expect(pixel(page, 5000, 1000)).toEqual([255, 255, 255])
    expect(pixel(page, 1000, 5000)).toEqual([255, 255, 255])
  })

  it('refuses a decompression bomb from its header, before decoding a pixel', async () => {
    const path = await files.write('bomb.png', pngBomb())
    const before = process.memoryUsage().rss
    const started = Date.now()
    await expect(openPageSource(path)).rejects.toMatchObject({
      code: 'bad-input',
      message: `${path}: the image is too large (30000 × 30000 pixels; Lector opens images up to 600 megapixels).`,
    })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(process.memoryUsage().rss - before).toBeLessThan(100e6)
  })

  it('refuses truncated and corrupted images with the reason, naming the file', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080' } })
      .composite([{ input: await sharp({ create: { width: 100, height: 100, channels: 3, background: '#000' } }).png().toBuffer(), left: 50, top: 50 }])
      .png({ compressionLevel: 0 })
      .toBuffer()
    const jpeg = await sharp(png).jpeg().toBuffer()
    for (const [name, file] of [['cut.png', truncated(png)], ['cut.jpg', truncated(jpeg)], ['bad.png', corrupted(png)]] as const) {
      const path = await files.write(name, file)
      const failure = openPageSource(path).then((s) => s.render(0))
      await expect(failure, name).rejects.toMatchObject({ code: 'unreadable', message: expect.stringContaining(`Cannot read ${path}: the image is damaged or cut short`) })
    }
  })
})
