import { describe, expect, it } from 'vitest'
import { BmpError, decodeBmp } from './bmp-decode'

/** A BMP with a 40-byte header, `extra` bytes (palette or masks) after it, then `rows` (already padded). */
function bmp(width: number, height: number, bpp: number, compression: number, extra: number[], rows: number[]): Buffer {
  const offset = 54 + extra.length
  const file = Buffer.alloc(offset + rows.length)
  file.write('BM', 0, 'latin1')
  file.writeUInt32LE(file.length, 2)
  file.writeUInt32LE(offset, 10)
  file.writeUInt32LE(40, 14)
  file.writeInt32LE(width, 18)
  file.writeInt32LE(height, 22)
  file.writeUInt16LE(1, 26)
  file.writeUInt16LE(bpp, 28)
  file.writeUInt32LE(compression, 30)
  Buffer.from(extra).copy(file, 54)
  Buffer.from(rows).copy(file, offset)
  return file
}

describe('decodeBmp', () => {
  it('looks up 1-bit and 8-bit pixels in the palette', () => {
    // Palette: 0 = black, 1 = red (BGR0 entries). One row of 3 one-bit pixels: 1 0 1.
    const palette = [0, 0, 0, 0, 0, 0, 255, 0]
    expect([...decodeBmp(bmp(3, 1, 1, 0, palette, [0b10100000, 0, 0, 0]))]).toEqual([255, 0, 0, 0, 0, 0, 255, 0, 0])
    expect([...decodeBmp(bmp(2, 1, 8, 0, palette, [1, 0, 0, 0]))]).toEqual([255, 0, 0, 0, 0, 0])
  })

  it('reads 16-bit 5-5-5 pixels at full scale', () => {
    // 0x7c00 is pure red, 0x001f pure blue.
    expect([...decodeBmp(bmp(2, 1, 16, 0, [], [0x00, 0x7c, 0x1f, 0x00]))]).toEqual([255, 0, 0, 0, 0, 255])
  })

  it('flattens 32-bit pixels with an alpha mask onto white, and stores top-down rows as given', () => {
    const masks = [0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0xff]
    // Height −2: top row first. Top: opaque black; bottom: transparent black.
    const file = bmp(1, -2, 32, 6, masks, [0, 0, 0, 255, 0, 0, 0, 0])
    expect([...decodeBmp(file)]).toEqual([0, 0, 0, 255, 255, 255])
  })

  it('says a cut-short file is cut short', () => {
    expect(() => decodeBmp(bmp(10, 10, 24, 0, [], [1, 2, 3]))).toThrow(new BmpError('the file is cut short (the pixel data is incomplete)'))
  })
})
