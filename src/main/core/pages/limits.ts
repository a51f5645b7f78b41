// The numbers that bound what a page may cost, with their reasons. Callers may lower maxPixels per source.

export const pageLimits = {
  /**
   * Largest file Lector opens as a line image or a document. Node reads no file over 2 GiB whole (pdf.js and
   * the BMP decoder need it whole), and no scan comes near it; a larger file (or a device that never ends)
   * is left out with its size, before anything is read.
   */
  maxFileBytes: 2 ** 31 - 1,
  /**
   * Largest page handed on, in pixels (~120 MB as 8-bit RGB). 40 MP holds an A2 sheet at 300 dpi, an A4 at
   * 600 dpi or a 48 MP phone photo barely shrunk; the detector works on a page reduced to a few megapixels
   * anyway, so more pixels only cost memory. Larger images and PDF pages are scaled down to fit, never refused.
   */
  maxPixels: 40_000_000,
  /**
   * Largest image Lector will decode at all (declared size, read from the header before any pixels). Decoding
   * streams through a downscale, so memory stays near maxPixels whatever the size; this bounds the time a
   * decompression bomb can cost (measured on 2 cores: a 20,000 × 20,000 PNG in ~3.7 s, 24,400² (595 MP) in ~4.2 s).
   */
  maxInputPixels: 600_000_000,
  /**
   * BMP is decoded whole (it is uncompressed: the file is as large as its pixels anyway); 100 MP is a 300 MB
   * file, far beyond any scanner's BMP, and bounds what a damaged header can make Lector allocate.
   */
  maxBmpPixels: 100_000_000,
  /**
   * pdf.js decodes an embedded image whole, as RGBA, before scaling it onto the page: larger images are
   * skipped (the page renders without them) rather than allocating gigabytes. 150 MP holds an A3 scan at 900 dpi.
   */
  maxPdfImagePixels: 150_000_000,
  /** PDF pages are rendered at this resolution unless asked otherwise: enough for 8 pt text to read well. */
  dpi: 200,
  /** Resolutions a caller may ask for; beyond 600 dpi a page only gets bigger, not sharper for the model. */
  minDpi: 36,
  maxDpi: 600,
} as const

/** The factor (≤ 1) that brings width × height within maxPixels. */
export function fitScale(width: number, height: number, maxPixels: number): number {
  const pixels = width * height
  return pixels <= maxPixels ? 1 : Math.sqrt(maxPixels / pixels)
}

/** Width and height scaled by fitScale, rounded down so the product stays within maxPixels, at least 1. */
export function fitSize(width: number, height: number, maxPixels: number): { width: number; height: number } {
  const s = fitScale(width, height, maxPixels)
  if (s === 1) return { width, height }
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) }
}
