import sharp from 'sharp'
import { LectorError } from '../errors'
import { BmpError, decodeBmp, readBmpHeader } from './bmp-decode'
import { fitSize, pageLimits } from './limits'
import { checkPageIndex } from './page-errors'
import { readWholeFile } from './read-whole-file'
import type { PageSource, RasterPage } from './types'

/** A Windows bitmap: one page, decoded by Lector's own reader, then scaled to maxPixels by sharp. */
export async function openBmpSource(path: string, maxPixels: number): Promise<PageSource> {
  const file = await readWholeFile(path)
  const header = (() => {
    try {
      return readBmpHeader(file)
    } catch (err) {
      throw describe(path, err)
    }
  })()
  if (header.width * header.height > pageLimits.maxBmpPixels) {
    throw new LectorError(
      'bad-input',
      `${path}: the bitmap is too large (${header.width} × ${header.height} pixels; Lector opens BMP files up to ` +
        `${Math.round(pageLimits.maxBmpPixels / 1e6)} megapixels — save it as PNG or TIFF).`,
    )
  }
  return {
    path,
    kind: 'image',
    pageCount: 1,
    async render(index): Promise<RasterPage> {
      checkPageIndex(path, index, 1)
      let rgb: Buffer
      try {
        rgb = decodeBmp(file, header)
      } catch (err) {
        throw describe(path, err)
      }
      const { width, height } = header
      const target = fitSize(width, height, maxPixels)
      if (target.width === width && target.height === height) return { width, height, channels: 3, data: rgb }
      const data = await sharp(rgb, { raw: { width, height, channels: 3 } })
        .resize({ width: target.width, height: target.height, fit: 'fill' })
        .raw()
        .toBuffer()
      return { ...target, channels: 3, data }
    },
    async close() {},
  }
}

function describe(path: string, err: unknown): LectorError {
  if (err instanceof BmpError) {
    const code = /not supported|unsupported/.test(err.message) ? 'bad-input' : 'unreadable'
    return new LectorError(code, `Cannot read ${path}: ${err.message}.`, { cause: err })
  }
  return new LectorError('unreadable', `Cannot read ${path}: the bitmap is damaged (${(err as Error).message}).`, { cause: err })
}
