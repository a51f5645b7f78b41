// Damaged and hostile line images, generated deterministically from the project's own rendered lines.
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { renderLine } from '../fixtures/render-lines'

/** One PNG chunk: length, type, data and CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([length, body, crc])
}

/**
 * A `size` × `size` 1-bit greyscale PNG written directly (encoding hundreds of megapixels through an image
 * library would take far longer than the test it serves). White, except where `ink(y)` gives a run of
 * black bytes ([from, to) in bytes of the row, 8 pixels each) on row y.
 */
export function bilevelPng(size: number, options: { level?: number; ink?: (y: number) => [number, number] | null } = {}): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 1 // bit depth
  header[9] = 0 // greyscale
  const stride = 1 + Math.ceil(size / 8)
  const raw = Buffer.alloc(size * stride, 0xff)
  for (let y = 0; y < size; y++) {
    raw[y * stride] = 0 // filter type: none
    const run = options.ink?.(y)
    if (run) raw.fill(0, y * stride + 1 + run[0], y * stride + 1 + run[1])
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: options.level ?? 9 })), pngChunk('IEND', Buffer.alloc(0))])
}

/**
 * A real decompression bomb: a valid 1-bit PNG of `size` × `size` white pixels that compresses to a few
 * hundred kilobytes (30000² is 900 megapixels: ~2.7 GB as the RGB a decoder would produce).
 */
export function pngBomb(size = 30_000): Buffer {
  return bilevelPng(size)
}

/** The first half of a file: a download or a copy cut short. */
export function truncated(file: Buffer): Buffer {
  return file.subarray(0, file.length >> 1)
}

/** Every 7th byte flipped after the first 100 (the headers stay valid, the compressed data does not). */
export function corrupted(file: Buffer): Buffer {
  const out = Buffer.from(file)
  for (let i = 100; i < out.length - 16; i += 7) out[i] ^= 0xff
  return out
}

/** A line `width` pixels wide and `height` high: `text` rendered and repeated end to end. */
export async function wideLine(text: string, width: number, height: number): Promise<Buffer> {
  const tile = await sharp(await renderLine(text)).resize({ height }).png().toBuffer()
  const tileWidth = (await sharp(tile).metadata()).width
  const tiles = Math.ceil(width / tileWidth)
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(Array.from({ length: tiles }, (_, i) => ({ input: tile, left: Math.min(i * tileWidth, width - tileWidth), top: 0 })))
    .png()
    .toBuffer()
}
