import { describe, expect, it } from 'vitest'
import { sniffFormat } from './sniff'

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

describe('sniffFormat', () => {
  it('recognises each supported format by its leading bytes', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg')
    expect(sniffFormat(bytes([0x89], 'PNG\r\n\x1a\n'))).toBe('png')
    expect(sniffFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp')
    expect(sniffFormat(bytes('GIF89a'))).toBe('gif')
    expect(sniffFormat(bytes('II', [42, 0]))).toBe('tiff')
    expect(sniffFormat(bytes('MM', [0, 42]))).toBe('tiff')
    expect(sniffFormat(bytes('II', [43, 0]))).toBe('tiff')
    expect(sniffFormat(bytes('BM', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [40, 0, 0, 0]))).toBe('bmp')
    expect(sniffFormat(bytes('%PDF-1.7\n'))).toBe('pdf')
  })

  it('finds a PDF header after leading junk', () => {
    expect(sniffFormat(bytes('\r\n\r\ngarbage from a mail gateway\n%PDF-1.4\n'))).toBe('pdf')
  })

  it('does not take a text file for a bitmap because it starts with BM', () => {
    expect(sniffFormat(bytes('BMW parts list, 2024 edition\n'))).toBeNull()
  })

  it('knows nothing of text, empty input or unsupported formats', () => {
    expect(sniffFormat(bytes('hello, this is not an image'))).toBeNull()
    expect(sniffFormat(new Uint8Array(0))).toBeNull()
    expect(sniffFormat(bytes('PK', [3, 4]))).toBeNull()
  })
})
