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

/**
 * The quad grown by `margin` × its short side beyond each of its edges, along its own axes, on each side
 * only where the strip it adds is blank paper: the recognizer reads a detected box better with paper
 * around its text (DB's boxes hug it), worse with a neighbour's ink or a form's ruled line in the crop.
 */
export function paperMargin(page: RasterPage, quad: Quad, margin: number): Quad {
  if (!margin) return quad
  const [a, b, , d] = quad
  const w = dist(a, b)
  const h = dist(a, d)
  if (!(w >= 1 && h >= 1)) return quad
  const u = [(b[0] - a[0]) / w, (b[1] - a[1]) / w]
  const v = [(d[0] - a[0]) / h, (d[1] - a[1]) / h]
  const by = Math.round(margin * Math.min(w, h))
  if (!by) return quad
  // Luminance at a point s along the first edge and t along the fourth, from the quad's first corner;
  // beyond the page it is paper.
  const lum = (s: number, t: number): number => {
    const x = Math.round(a[0] + s * u[0] + t * v[0])
    const y = Math.round(a[1] + s * u[1] + t * v[1])
    if (x < 0 || y < 0 || x >= page.width || y >= page.height) return 255
    const i = (y * page.width + x) * 3
    return (page.data[i] * 77 + page.data[i + 1] * 150 + page.data[i + 2] * 29) >> 8
  }
  // The paper's level: the box's 90th percentile of luminance (most of a line's box is paper).
  const histogram = new Uint32Array(256)
  const step = Math.max(1, Math.min(w, h) / 12)
  let n = 0
  for (let t = 0; t <= h; t += step) {
    for (let s = 0; s <= w; s += step) {
      histogram[lum(s, t)]++
      n++
    }
  }
  let paper = 255
  for (let level = 0, seen = 0; level < 256; level++) {
    seen += histogram[level]
    if (seen >= 0.9 * n) {
      paper = level
      break
    }
  }
  const ink = paper - INK_BELOW_PAPER
  const blank = (s0: number, s1: number, t0: number, t1: number): boolean => {
    let dark = 0
    let all = 0
    for (let t = t0; t <= t1; t++) {
      for (let s = s0; s <= s1; s++) {
        all++
        if (lum(s, t) < ink) dark++
      }
    }
    return dark <= BLANK_SHARE * all
  }
  const top = blank(0, w, -by, -1) ? by : 0
  const bottom = blank(0, w, h + 1, h + by) ? by : 0
  const left = blank(-by, -1, 0, h) ? by : 0
  const right = blank(w + 1, w + by, 0, h) ? by : 0
  const out = (i: number, su: number, sv: number): [number, number] => [
    Math.min(page.width, Math.max(0, quad[i][0] + su * u[0] + sv * v[0])),
    Math.min(page.height, Math.max(0, quad[i][1] + su * u[1] + sv * v[1])),
  ]
  return [out(0, -left, -top), out(1, right, -top), out(2, right, bottom), out(3, -left, bottom)]
}

/** A pixel this much darker than the paper is ink; a strip with at most this share of ink is blank. */
const INK_BELOW_PAPER = 60
const BLANK_SHARE = 0.01

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
