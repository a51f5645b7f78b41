import { stat } from 'node:fs/promises'
import sharp from 'sharp'
import type { RecManifest } from '../model/manifest'

export type ImageSource = string | Buffer

/** One line ready for the model: CHW floats at its own resized width (no padding yet). */
export interface PreparedLine {
  data: Float32Array
  /** Width after resizing to the model's height, keeping the aspect ratio. */
  width: number
  /** The padded width this line is always run at, whatever it is batched with. */
  bucket: number
  /** Frames that belong to the line itself: ceil(width / stride). */
  frames: number
}

/** Largest source image accepted, in pixels (sharp's own default limit: ~16k × 16k). */
export const MAX_INPUT_PIXELS = 268_402_689

/**
 * PaddleOCR's recognizer preprocessing (resize_norm_img): height fixed, width = ceil(h_model · w / h),
 * `v / 127.5 − 1`, BGR. Decoding goes through sharp: EXIF orientation applied, any colour type, 16-bit and
 * palette images converted to 8-bit sRGB, transparency flattened onto white paper.
 */
export async function prepareLine(source: ImageSource, spec: RecManifest['preprocess']): Promise<PreparedLine> {
  try {
    return await decodeAndResize(source, spec)
  } catch (err) {
    throw new Error(await describeImageError(source, err as Error), { cause: err })
  }
}

async function decodeAndResize(source: ImageSource, spec: RecManifest['preprocess']): Promise<PreparedLine> {
  // One decode: EXIF rotation, transparency onto white paper, 8-bit sRGB; the size comes with the pixels.
  const { data, info } = await sharp(source, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const { width: w, height: h } = info
  if (!w || !h || info.channels !== 3) throw new Error('the image has no pixels')
  const width = Math.max(1, Math.ceil((spec.height * w) / h))
  return {
    data: resizeNormalize(data, w, h, width, spec),
    width,
    bucket: bucketWidth(width, spec.minWidth),
    frames: Math.ceil(width / spec.stride),
  }
}

/**
 * OpenCV's cv2.resize(INTER_LINEAR) on 8-bit images — the resize PaddleOCR's recognizer was trained
 * with — fused with the normalisation and the HWC→CHW/BGR transpose. It reproduces OpenCV's sampling grid
 * (pixel centres, edges clamped, no antialiasing when shrinking) and its fixed-point arithmetic (11-bit
 * coefficients; the vectorised vertical pass's rounding), so the model sees the pixels it would in
 * PaddleOCR. libvips' resize filters differently.
 */
export function resizeNormalize(
  rgb: Uint8Array,
  srcW: number,
  srcH: number,
  dstW: number,
  spec: RecManifest['preprocess'],
): Float32Array {
  const dstH = spec.height
  const xs = axis(srcW, dstW)
  const ys = axis(srcH, dstH)
  const plane = dstW * dstH
  const out = new Float32Array(3 * plane)
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  // Horizontal pass for every source row a destination row needs (at most two per row, cached).
  const rows = new Map<number, Int32Array>()
  const hrow = (sy: number) => {
    let row = rows.get(sy)
    if (row) return row
    row = new Int32Array(dstW * 3)
    const base = sy * srcW * 3
    for (let x = 0; x < dstW; x++) {
      const a = base + xs.index[x] * 3
      const b = base + Math.min(xs.index[x] + 1, srcW - 1) * 3
      for (let c = 0; c < 3; c++) row[x * 3 + c] = rgb[a + c] * xs.w0[x] + rgb[b + c] * xs.w1[x]
    }
    rows.set(sy, row)
    return row
  }
  for (let y = 0; y < dstH; y++) {
    const r0 = hrow(ys.index[y])
    const r1 = hrow(Math.min(ys.index[y] + 1, srcH - 1))
    const b0 = ys.w0[y]
    const b1 = ys.w1[y]
    for (let x = 0; x < dstW; x++) {
      for (let ch = 0; ch < 3; ch++) {
        const i = x * 3 + order[ch]
        const v = (((b0 * (r0[i] >> 4)) >> 16) + ((b1 * (r1[i] >> 4)) >> 16) + 2) >> 2
        out[ch * plane + y * dstW + x] = Math.max(0, Math.min(255, v)) * spec.scale + spec.offset
      }
    }
  }
  return out
}

/**
 * OpenCV's source index and 11-bit weights per destination pixel: position (d + 0.5) · scale − 0.5,
 * clamped to the edges.
 */
function axis(src: number, dst: number): { index: Int32Array; w0: Int32Array; w1: Int32Array } {
  const index = new Int32Array(dst)
  const w0 = new Int32Array(dst)
  const w1 = new Int32Array(dst)
  const scale = src / dst
  for (let d = 0; d < dst; d++) {
    const f = Math.fround((d + 0.5) * scale - 0.5)
    let i = Math.floor(f)
    let t = Math.fround(f - i)
    if (i < 0) (i = 0), (t = 0)
    if (i >= src - 1) (i = src - 1), (t = 0)
    index[d] = i
    w0[d] = Math.round(Math.fround(1 - t) * 2048)
    w1[d] = Math.round(t * 2048)
  }
  return { index, w0, w1 }
}

// The recognizer's neck attends over all frames, so padding changes a line's output. Each line is
// therefore always padded to the same width, chosen from its own width alone: a few fixed widths
// (≥ PaddleOCR's 320 px minimum, ≤ 25 % padding), which also keeps the number of shapes a GPU sees small.
const BUCKETS = [320, 400, 480, 560, 640, 800, 960, 1120, 1280, 1600, 1920, 2240, 2560, 3200]

export function bucketWidth(width: number, minWidth: number): number {
  const w = Math.max(width, minWidth)
  const fixed = BUCKETS.find((b) => b >= w)
  return fixed ?? Math.ceil(w / 640) * 640
}

/** Packs lines of one bucket into a zero-padded [B, 3, H, W] tensor buffer. */
export function packBatch(lines: PreparedLine[], height: number, bucket: number): Float32Array {
  const out = new Float32Array(lines.length * 3 * height * bucket)
  lines.forEach((line, b) => {
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        const src = (c * height + y) * line.width
        const dst = ((b * 3 + c) * height + y) * bucket
        out.set(line.data.subarray(src, src + line.width), dst)
      }
    }
  })
  return out
}

/** sharp's messages name libvips internals: say what a person can act on, keep the detail after it. */
async function describeImageError(source: ImageSource, err: Error): Promise<string> {
  const size = typeof source === 'string' ? await stat(source).then((s) => s.size, () => -1) : source.length
  if (size === -1) return 'file not found or not readable'
  if (size === 0) return 'empty file (0 bytes)'
  const detail = err.message.split('\n')[0]
  if (/unsupported image format/i.test(detail)) return 'not an image Lector can read (unknown or unsupported format)'
  if (/pixel limit/i.test(detail)) return `image too large (more than ${Math.round(MAX_INPUT_PIXELS / 1e6)} megapixels)`
  return `damaged or unreadable image (${detail})`
}

/** A part of a line the model runs on, and which of its frames the line keeps. */
export interface Piece {
  line: PreparedLine
  keepFrom: number
  keepTo: number
}

// Past this width a line is read in overlapping windows: the neck's attention cost grows with the square
// of the width, and the model was trained on short lines. Each window keeps the frames up to the middle
// of its overlaps with its neighbours, so every frame comes from a window where it has context both sides.
export const WINDOW = 1280
export const OVERLAP = 256

export function splitLongLine(line: PreparedLine, spec: RecManifest['preprocess']): Piece[] {
  if (line.width <= BUCKETS[BUCKETS.length - 1]) return [{ line, keepFrom: 0, keepTo: line.frames }]
  const starts: number[] = []
  for (let x = 0; ; x += WINDOW - OVERLAP) {
    starts.push(x)
    if (x + WINDOW >= line.width) break
  }
  const s = spec.stride
  return starts.map((x0, i) => {
    const x1 = Math.min(line.width, x0 + WINDOW)
    const width = x1 - x0
    const data = new Float32Array(3 * spec.height * width)
    for (let row = 0; row < 3 * spec.height; row++) {
      data.set(line.data.subarray(row * line.width + x0, row * line.width + x1), row * width)
    }
    const from = i === 0 ? 0 : Math.round((x0 + starts[i - 1] + WINDOW) / 2 / s)
    const to = i === starts.length - 1 ? line.frames : Math.round((starts[i + 1] + x0 + WINDOW) / 2 / s)
    const piece: PreparedLine = { data, width, bucket: bucketWidth(width, spec.minWidth), frames: Math.ceil(width / s) }
    return { line: piece, keepFrom: from - x0 / s, keepTo: to - x0 / s }
  })
}
