// PaddleOCR's get_rotate_crop_image: a perspective warp of the quad to an upright rectangle, INTER_CUBIC
// with BORDER_REPLICATE. Only the quad's neighbourhood is copied into OpenCV, so a huge page costs no
// more than its lines.
import sharp from 'sharp'
import type { Quad, RasterPage } from '../pages/types'
import type { Image } from './det-input'
import type { OpenCv } from './opencv'
import { dist } from './db-postprocess'

// Bicubic sampling reads two pixels beyond the point it interpolates; one more for rounding.
const MARGIN = 3

/** The quad warped to an upright rectangle; its first corner becomes the crop's top-left. */
export function cropQuad(cv: OpenCv, page: RasterPage, quad: Quad): Image {
  const width = Math.max(1, Math.trunc(Math.max(dist(quad[0], quad[1]), dist(quad[2], quad[3]))))
  const height = Math.max(1, Math.trunc(Math.max(dist(quad[0], quad[3]), dist(quad[1], quad[2]))))
  const xs = quad.map((p) => p[0])
  const ys = quad.map((p) => p[1])
  const x0 = Math.max(0, Math.floor(Math.min(...xs)) - MARGIN)
  const y0 = Math.max(0, Math.floor(Math.min(...ys)) - MARGIN)
  const x1 = Math.min(page.width, Math.ceil(Math.max(...xs)) + MARGIN + 1)
  const y1 = Math.min(page.height, Math.ceil(Math.max(...ys)) + MARGIN + 1)
  const rw = x1 - x0
  const rh = y1 - y0
  const region = new cv.Mat(rh, rw, cv.CV_8UC3)
  const dst = new cv.Mat()
  const from = cv.matFromArray(4, 1, cv.CV_32FC2, quad.flatMap(([x, y]) => [x - x0, y - y0]))
  const to = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, width, 0, width, height, 0, height])
  let m: OpenCv = null
  try {
    const bytes = region.data as Uint8Array
    for (let y = 0; y < rh; y++) {
      const start = ((y0 + y) * page.width + x0) * 3
      bytes.set(page.data.subarray(start, start + rw * 3), y * rw * 3)
    }
    m = cv.getPerspectiveTransform(from, to)
    cv.warpPerspective(region, dst, m, new cv.Size(width, height), cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar())
    return { data: new Uint8Array(dst.data), width, height }
  } finally {
    region.delete()
    dst.delete()
    from.delete()
    to.delete()
    m?.delete()
  }
}

/** The spread of a crop's luminance: its 95th less its 5th percentile, from a histogram (0–255). */
export function contrast(image: Image): number {
  const histogram = new Uint32Array(256)
  const n = image.width * image.height
  const d = image.data
  for (let i = 0; i < n; i++) histogram[(d[3 * i] * 77 + d[3 * i + 1] * 150 + d[3 * i + 2] * 29) >> 8]++
  const at = (share: number) => {
    let seen = 0
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]) > share * n) return v
    return 255
  }
  return at(0.95) - at(0.05)
}

/** The crop turned 180° (cv2.rotate ROTATE_180): reversing the pixel order. */
export function rotate180(image: Image): Image {
  const n = image.width * image.height
  const out = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) {
    const j = (n - 1 - i) * 3
    out[i * 3] = image.data[j]
    out[i * 3 + 1] = image.data[j + 1]
    out[i * 3 + 2] = image.data[j + 2]
  }
  return { data: out, width: image.width, height: image.height }
}

/** Lossless PNG of a crop; light compression because crops are re-read moments later. */
export function encodePng(image: Image): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer()
}
