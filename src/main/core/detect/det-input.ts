// PaddleOCR's detector preprocessing: DetResizeForTest (limit_type 'max', sides rounded to multiples of
// 32) with cv2.resize INTER_LINEAR, then NormalizeImage on the BGR image cv2 would have decoded.
import sharp from 'sharp'
import type { RasterPage } from '../pages/types'
import type { DetManifest } from './manifest'
import type { OpenCv } from './opencv'

export interface Image {
  /** 8-bit RGB, row-major. */
  data: Uint8Array
  width: number
  height: number
}

/** The model's input size for a page (DetResizeForTest.resize_image_type0). */
export function detSize(width: number, height: number, spec: DetManifest['preprocess']): { width: number; height: number } {
  const long = Math.max(width, height)
  const short = Math.min(width, height)
  let ratio = 1
  if (spec.limitType === 'max' && long > spec.limitSideLen) ratio = spec.limitSideLen / long
  if (spec.limitType === 'min' && short < spec.limitSideLen) ratio = spec.limitSideLen / short
  const side = (x: number) => Math.max(roundHalfEven(Math.trunc(x * ratio) / spec.multiple) * spec.multiple, spec.multiple)
  return { width: side(width), height: side(height) }
}

/**
 * The model's input size at `scale` × the page, sides rounded to the model's multiple, at most `maxPixels`
 * (a second look at a page whose text came out small; see settings.textScale).
 */
export function scaledSize(width: number, height: number, scale: number, multiple: number, maxPixels: number): { width: number; height: number } {
  const s = Math.min(scale, Math.sqrt(maxPixels / (width * height)))
  const side = (x: number) => Math.max(Math.round((x * s) / multiple) * multiple, multiple)
  return { width: side(width), height: side(height) }
}

/**
 * The page resized to the model's input (by default PaddleOCR's size, detSize). Pages above
 * `preshrinkPixels` are first shrunk with sharp (area-averaging, streaming), so OpenCV's WASM heap never
 * holds a huge page; below it this is exactly cv2.resize of the full page.
 */
export async function resizeForDet(
  cv: OpenCv,
  page: RasterPage,
  spec: DetManifest['preprocess'],
  preshrinkPixels: number,
  target = detSize(page.width, page.height, spec),
): Promise<Image> {
  let source: Image = { data: page.data, width: page.width, height: page.height }
  if (page.width * page.height > preshrinkPixels) {
    const f = Math.sqrt(preshrinkPixels / (page.width * page.height))
    const width = Math.max(target.width, Math.round(page.width * f))
    const height = Math.max(target.height, Math.round(page.height * f))
    const data = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 }, limitInputPixels: false })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer()
    source = { data, width, height }
  }
  return cvResize(cv, source, target.width, target.height)
}

function cvResize(cv: OpenCv, image: Image, width: number, height: number): Image {
  const src = new cv.Mat(image.height, image.width, cv.CV_8UC3)
  const dst = new cv.Mat()
  try {
    src.data.set(image.data)
    cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR)
    return { data: new Uint8Array(dst.data), width, height }
  } finally {
    src.delete()
    dst.delete()
  }
}

/** The image turned clockwise by `quarters` × 90° (cv2.rotate), for reading a page that lies on its side. */
export function rotateImage(cv: OpenCv, image: Image, quarters: number): Image {
  const q = ((quarters % 4) + 4) % 4
  if (q === 0) return image
  const src = new cv.Mat(image.height, image.width, cv.CV_8UC3)
  const dst = new cv.Mat()
  try {
    src.data.set(image.data)
    cv.rotate(src, dst, [cv.ROTATE_90_CLOCKWISE, cv.ROTATE_180, cv.ROTATE_90_COUNTERCLOCKWISE][q - 1])
    return { data: new Uint8Array(dst.data), width: dst.cols, height: dst.rows }
  } finally {
    src.delete()
    dst.delete()
  }
}

/**
 * NormalizeImage + ToCHWImage: (v · scale − mean) / std per channel. PaddleOCR's image is cv2's BGR, and
 * its mean and std are applied in that channel order, so channel 0 of the tensor is blue.
 */
export function normalize(image: Image, spec: DetManifest['preprocess']): Float32Array {
  const plane = image.width * image.height
  const out = new Float32Array(3 * plane)
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  for (let c = 0; c < 3; c++) {
    const src = order[c]
    const mul = spec.scale / spec.std[c]
    const add = -spec.mean[c] / spec.std[c]
    const base = c * plane
    for (let i = 0; i < plane; i++) out[base + i] = image.data[i * 3 + src] * mul + add
  }
  return out
}

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}
