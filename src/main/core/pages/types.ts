// The seam between documents and lines. A page source turns a file (image, multi-page TIFF, PDF) into
// upright raster pages; a detector turns one page into reading-ordered line crops. The batch service
// stores pages and lines and queues recognition; it depends only on these types.

/** A decoded page: 8-bit RGB, row-major, EXIF orientation already applied. */
export interface RasterPage {
  width: number
  height: number
  channels: 3
  data: Buffer
}

/** Four corners in page pixels (of the RasterPage), clockwise, starting at the text's own top-left. */
export type Quad = [[number, number], [number, number], [number, number], [number, number]]

/** One way to cut a line out of its page: its quad (starting where its text would start) and the crop. */
export interface LineCut {
  quad: Quad
  /** The line warped upright, as PNG. */
  crop: Buffer
  width: number
  height: number
  /** How much the crop was turned (clockwise degrees) from the page to make its text upright. */
  rotation: 0 | 90 | 180 | 270
}

export interface DetectedLine extends LineCut {
  /** The DB box score (mean probability inside the box). */
  score: number
  /** The crop's contrast: its 95th less its 5th luminance percentile (0–255); a nearly blank crop has little. */
  contrast: number
  /**
   * Other ways up the detector could not rule out (a line whose direction classifier disagrees with its
   * page, a box taller than wide): reading each tells which is upright (detect/settle.ts). Absent when
   * the line's way up is not in doubt.
   */
  alternatives?: LineCut[]
}

export interface Detector {
  /** The execution provider the detection session runs on. */
  provider: string
  /**
   * Lines in reading order. Throws LectorError on a page it cannot process. The page's memory may be
   * handed over to the detector's thread (not copied): do not use `page` afterwards.
   */
  detect(page: RasterPage, options?: { signal?: AbortSignal }): Promise<DetectedLine[]>
  release(): Promise<void>
}

export interface PageSource {
  path: string
  kind: 'image' | 'tiff' | 'pdf'
  pageCount: number
  /** Page `index` (0-based) as pixels; PDFs at `dpi` (default 200). Throws LectorError with a clear message. */
  render(index: number, options?: { dpi?: number }): Promise<RasterPage>
  /** A PDF page's own text layer, when it has one (offered, never used instead of reading the scan). */
  textLayer?(index: number): Promise<string>
  close(): Promise<void>
}
