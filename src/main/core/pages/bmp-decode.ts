// A small BMP decoder. libvips as shipped with sharp has no BMP loader, and skia's (@napi-rs/canvas) crashed
// the process on a 16-byte damaged file when tried: a decoder that cannot take the app down is worth 100 lines.
// Uncompressed and bit-field BMPs of every depth are read; RLE and embedded JPEG/PNG are refused clearly.

export interface BmpHeader {
  width: number
  height: number
  /** Rows are stored top row first (negative height in the file). */
  topDown: boolean
  bitsPerPixel: number
  compression: number
  dataOffset: number
  headerSize: number
}

/** Thrown with a message a person can act on; the caller adds the file name. */
export class BmpError extends Error {}

const BI_RGB = 0
const BI_BITFIELDS = 3
const BI_ALPHABITFIELDS = 6

export function readBmpHeader(file: Buffer): BmpHeader {
  if (file.length < 26) throw new BmpError('the file is cut short (no complete header)')
  const headerSize = file.readUInt32LE(14)
  const core = headerSize === 12
  const width = core ? file.readUInt16LE(18) : file.readInt32LE(18)
  const rawHeight = core ? file.readInt16LE(20) : file.readInt32LE(22)
  const bitsPerPixel = core ? file.readUInt16LE(24) : file.length >= 30 ? file.readUInt16LE(28) : 0
  const compression = core || file.length < 34 ? BI_RGB : file.readUInt32LE(30)
  if (width <= 0 || rawHeight === 0) throw new BmpError(`the header gives no size (${width} × ${rawHeight})`)
  return { width, height: Math.abs(rawHeight), topDown: rawHeight < 0, bitsPerPixel, compression, dataOffset: file.readUInt32LE(10), headerSize }
}

/** The whole bitmap as 8-bit RGB, top row first; transparent pixels (32-bit with alpha) flattened onto white. */
export function decodeBmp(file: Buffer, header: BmpHeader = readBmpHeader(file)): Buffer {
  const { width, height, bitsPerPixel: bpp, compression, dataOffset, headerSize } = header
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new BmpError(`compressed bitmaps (BMP compression ${compression}: RLE, JPEG or PNG inside) are not supported; save it as PNG`)
  }
  if (![1, 2, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError(`unsupported bit depth ${bpp}`)
  const stride = Math.ceil((width * bpp) / 32) * 4
  if (dataOffset + stride * height > file.length) throw new BmpError('the file is cut short (the pixel data is incomplete)')
  const palette = bpp <= 8 ? readPalette(file, headerSize, bpp, dataOffset) : null
  const masks = bpp === 16 || bpp === 32 ? readMasks(file, headerSize, bpp, compression) : null
  const out = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (header.topDown ? y : height - 1 - y) * stride
    let o = y * width * 3
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const index = bpp === 8 ? file[row + x] : (file[row + ((x * bpp) >> 3)] >> (8 - bpp - ((x * bpp) & 7))) & ((1 << bpp) - 1)
        const p = Math.min(index, palette.length / 3 - 1) * 3
        out[o] = palette[p]
        out[o + 1] = palette[p + 1]
        out[o + 2] = palette[p + 2]
      } else if (bpp === 24) {
        const p = row + x * 3
        out[o] = file[p + 2]
        out[o + 1] = file[p + 1]
        out[o + 2] = file[p]
      } else {
        const v = bpp === 16 ? file.readUInt16LE(row + x * 2) : file.readUInt32LE(row + x * 4)
        const a = masks![3] ? channel(v, masks![3]) / 255 : 1
        for (let c = 0; c < 3; c++) out[o + c] = Math.round(channel(v, masks![c]) * a + 255 * (1 - a))
      }
    }
  }
  return out
}

/** RGB triples, from the BGR(0) entries after the header (BGR triples in the old 12-byte format). */
function readPalette(file: Buffer, headerSize: number, bpp: number, dataOffset: number): Buffer {
  const entry = headerSize === 12 ? 3 : 4
  const declared = headerSize >= 36 ? file.readUInt32LE(46) : 0
  const start = 14 + headerSize
  // Writers often leave the colour count 0 with a short palette: it ends where the pixels begin either way.
  const count = Math.min(declared || 1 << bpp, 1 << bpp, Math.floor((dataOffset - start) / entry))
  if (count < 1) throw new BmpError('the palette is missing')
  if (start + count * entry > file.length) throw new BmpError('the file is cut short (the palette is incomplete)')
  const rgb = Buffer.alloc(count * 3)
  for (let i = 0; i < count; i++) {
    rgb[i * 3] = file[start + i * entry + 2]
    rgb[i * 3 + 1] = file[start + i * entry + 1]
    rgb[i * 3 + 2] = file[start + i * entry]
  }
  return rgb
}

/** Red, green, blue, alpha masks: from the header or the three words after it, else the format's defaults. */
function readMasks(file: Buffer, headerSize: number, bpp: number, compression: number): number[] {
  if (compression === BI_RGB) return bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0x00ff00, 0x0000ff, 0]
  const at = headerSize >= 52 ? 54 : 14 + headerSize
  const hasAlpha = headerSize >= 56 || compression === BI_ALPHABITFIELDS
  if (at + (hasAlpha ? 16 : 12) > file.length) throw new BmpError('the file is cut short (the colour masks are incomplete)')
  return [file.readUInt32LE(at), file.readUInt32LE(at + 4), file.readUInt32LE(at + 8), hasAlpha ? file.readUInt32LE(at + 12) : 0]
}

/** A masked field scaled to 0–255 (a 5-bit field's 31 becomes 255). */
function channel(value: number, mask: number): number {
  if (!mask) return 0
  const shift = 31 - Math.clz32(mask & -mask)
  const max = mask >>> shift
  return Math.round((((value & mask) >>> shift) * 255) / max)
}
