// What a file is, from its first bytes: users rename files, mail clients add the wrong extension, and a
// decoder chosen by extension gives a confusing error where a sniffed one gives the right page.

export type FileFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'pdf'

/** How many leading bytes sniffFormat looks at. */
export const SNIFF_BYTES = 1024

export function sniffFormat(head: Uint8Array): FileFormat | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  const ascii = (start: number, text: string) => b.toString('latin1', start, start + text.length) === text
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png'
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp'
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif'
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if ((ascii(0, 'II') && (b[2] === 42 || b[2] === 43) && b[3] === 0) || (ascii(0, 'MM') && b[2] === 0 && (b[3] === 42 || b[3] === 43))) {
    return 'tiff'
  }
  // "BM" alone starts many text files: also require one of the known DIB header sizes.
  if (ascii(0, 'BM') && b.length >= 18 && BMP_HEADER_SIZES.has(b.readUInt32LE(14))) return 'bmp'
  // The PDF header may follow some junk (the spec and every reader allow it within the first kilobyte).
  if (b.subarray(0, SNIFF_BYTES).includes('%PDF-', 0, 'latin1')) return 'pdf'
  return null
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124])
