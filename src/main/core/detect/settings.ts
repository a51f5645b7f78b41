// The numbers that decide what counts as a line and in what order lines are read, with their reasons.

export interface DetectSettings {
  db: {
    /** Pixels whose text probability exceeds this are text (PaddleOCR det_db_thresh). */
    thresh: number
    /** A box whose mean probability is below this is dropped (det_db_box_thresh). */
    boxThresh: number
    /** How far a shrunk DB kernel is grown back: offset = area · ratio / perimeter (det_db_unclip_ratio). */
    unclipRatio: number
    /** Contours considered per page, as PaddleOCR (max_candidates). */
    maxCandidates: number
    /** Boxes whose short side is under this (in probability-map pixels) are noise (min_size). */
    minSize: number
  }
  /**
   * The detector finds lines best when their boxes are about this many model pixels high: PaddleOCR's
   * fixed 960-pixel limit shrinks a long receipt's text to 12–18 px, where neighbouring boxes blur
   * together and small ones come out loose, and leaves a form's small print small. A page whose median
   * box (short side) is off by more than `tolerance` is read again at the scale that brings it here, up to
   * `maxScale` × the page and about `maxPixels` model pixels (the model's memory grows with them: 4.3
   * times PaddleOCR's 960 × 960 at most). Chosen on sroie-dev and forms-dev pages together (detection F1
   * over their cached probability maps, always read again, the issue 22 note): 20 / 24 / 28 px gave
   * 95.3 / 95.9 / 95.4 on sroie-dev and 80.6 / 80.4 / 79.6 on forms-dev, against 94.0 and 78.6 at
   * PaddleOCR's size; `lector eval-pages` at 24 px: 95.6 and 80.0.
   */
  textScale: { boxHeight: number; tolerance: number; maxScale: number; maxPixels: number }
  /**
   * A line's crop reaches this share of its box's short side beyond each edge where that strip is blank
   * paper (crop.ts paperMargin). DB's boxes hug the text, and the recognizer reads a line better with paper
   * around it; a neighbour's ink or a form's ruled line in the crop makes it read worse, so a side with ink
   * is not grown. The quad shown and scored stays the box. Chosen on sroie-dev and forms-dev pages together
   * (CER of matched lines, no case; forms-dev's first 60 pages): grown on every side by 0 / 0.1 / 0.2,
   * sroie-dev 5.73 / 3.95 / 3.69 %, forms-dev 9.11 / 9.35 / 10.08 %; over blank paper only by 0.1 / 0.2,
   * sroie-dev 4.38 / 3.97 %, forms-dev 8.77 / 8.67 %.
   */
  cropMargin: number
  /** A crop this much taller than wide is a vertical line: PaddleOCR turns it 90° before reading. */
  tallRatio: number
  /** A line is read upside down when the classifier says 180° with at least this probability (cls_thresh). */
  clsThresh: number
  /** Crops per classifier run (PaddleOCR cls_batch_num). */
  clsBatch: number
  /**
   * Pages are refused above this many pixels per side: beyond sharp's and OpenCV's comfortable range,
   * and far past any scan at 600 dpi (A0 at 600 dpi is ~28,000 px).
   */
  maxSide: number
  /**
   * Above this many pixels the page is first shrunk with sharp (area-averaging) to this size before the
   * OpenCV resize to the model's input, so the detector never copies a huge page into WASM memory.
   * Below it the resize is exactly PaddleOCR's cv2.resize of the full page.
   */
  preshrinkPixels: number
  readingOrder: {
    /** Two lines belong to one row when their vertical extents overlap by this share of the smaller height. */
    rowOverlap: number
    /** A column gutter is at least this many line heights wide (word gaps are ~0.3, DB rarely splits there). */
    minGutter: number
    /** Each column's median line is at least this many line heights long: text columns, not key/value pairs. */
    minColumnWidth: number
    /** Each column holds at least this many lines. */
    minColumnLines: number
  }
}

export const defaultDetectSettings: DetectSettings = {
  db: { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 1000, minSize: 3 },
  textScale: { boxHeight: 24, tolerance: 0.15, maxScale: 2, maxPixels: 4_000_000 },
  cropMargin: 0.2,
  tallRatio: 1.5,
  clsThresh: 0.9,
  clsBatch: 6,
  maxSide: 30_000,
  preshrinkPixels: 6_000 * 6_000,
  readingOrder: { rowOverlap: 0.5, minGutter: 0.8, minColumnWidth: 6, minColumnLines: 2 },
}
