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
  const image = sharp(source, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
  const meta = await image.metadata()
  if (!meta.width || !meta.height) throw new Error('the image has no size')
  // Orientations 5–8 swap width and height once the EXIF rotation is applied.
  const [w, h] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height]
  const width = Math.max(1, Math.ceil((spec.height * w) / h))
  const { data } = await image
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .resize(width, spec.height, { fit: 'fill', kernel: 'linear' })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  return {
    data: toPlanar(data, width, spec),
    width,
    bucket: bucketWidth(width, spec.minWidth),
    frames: Math.ceil(width / spec.stride),
  }
}

function toPlanar(rgb: Buffer, width: number, spec: RecManifest['preprocess']): Float32Array {
  const plane = width * spec.height
  const out = new Float32Array(3 * plane)
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  for (let c = 0; c < 3; c++) {
    const src = order[c]
    const base = c * plane
    for (let i = 0; i < plane; i++) out[base + i] = rgb[i * 3 + src] * spec.scale + spec.offset
  }
  return out
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
