import sharp from 'sharp'
import { LectorError } from '../errors'
import { fitSize, pageLimits } from './limits'
import { checkPageIndex, describeDecodeError } from './page-errors'
import type { PageSource, RasterPage } from './types'

export type SharpFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff'

/**
 * A single image, or each page of a TIFF, through sharp (libvips). Only the header is read here; pixels are
 * decoded page by page in render. GIF and WebP animations give their first frame: a scan is not animated,
 * and a moving image's later frames are not pages.
 */
export async function openImageSource(path: string, format: SharpFormat, maxPixels: number): Promise<PageSource> {
  const kind = format === 'tiff' ? 'tiff' : 'image'
  const first = await readHeader(path, 0, kind)
  const pageCount = kind === 'tiff' ? Math.max(1, first.pages ?? 1) : 1
  let closed = false
  return {
    path,
    kind,
    pageCount,
    async render(index) {
      if (closed) throw new LectorError('bad-input', `${path} is closed.`)
      checkPageIndex(path, index, pageCount)
      // TIFF pages may differ in size and orientation: each page's own header decides its scale.
      const header = index === 0 ? first : await readHeader(path, index, kind)
      return decodePage(path, index, kind, header, maxPixels)
    },
    async close() {
      closed = true
    },
  }
}

interface Header {
  width: number
  height: number
  pages?: number
  orientation?: number
}

async function readHeader(path: string, page: number, kind: 'image' | 'tiff'): Promise<Header> {
  let meta: sharp.Metadata
  try {
    meta = await sharp(path, { page, limitInputPixels: false }).metadata()
  } catch (err) {
    throw describeDecodeError(path, kind === 'tiff' ? page : null, err)
  }
  const { width, height } = meta
  if (!width || !height) throw new LectorError('unreadable', `${path}: the image has no pixels (its header gives no size).`)
  // Refused from the header alone, before any pixel is decoded: a decompression bomb costs nothing here.
  if (width * height > pageLimits.maxInputPixels) {
    throw new LectorError(
      'bad-input',
      `${path}: the image is too large (${width} × ${height} pixels; Lector opens images up to ` +
        `${Math.round(pageLimits.maxInputPixels / 1e6)} megapixels).`,
    )
  }
  return { width, height, pages: meta.pages, orientation: meta.orientation }
}

/**
 * One decode in one libvips pipeline. Reading sequentially and shrinking in the same pass keeps memory near
 * the output size, however large the source: a 20,000 × 20,000 PNG never exists whole in memory.
 */
async function decodePage(path: string, page: number, kind: 'image' | 'tiff', header: Header, maxPixels: number): Promise<RasterPage> {
  // EXIF orientations 5–8 turn the image a quarter: the upright page has width and height swapped.
  const quarter = (header.orientation ?? 1) >= 5
  const upright = quarter ? { width: header.height, height: header.width } : header
  const target = fitSize(upright.width, upright.height, maxPixels)
  try {
    let pipeline = sharp(path, { page, failOn: 'error', limitInputPixels: pageLimits.maxInputPixels, sequentialRead: true }).rotate()
    if (target.width !== upright.width || target.height !== upright.height) {
      pipeline = pipeline.resize({ width: target.width, height: target.height, fit: 'fill' })
    }
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`)
    return { width: info.width, height: info.height, channels: 3, data }
  } catch (err) {
    throw describeDecodeError(path, kind === 'tiff' ? page : null, err)
  }
}
