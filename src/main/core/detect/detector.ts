import ort from 'onnxruntime-node'
import type { SkippedProvider } from '../../../shared/api'
import { LectorError } from '../errors'
import { defaultProviders, openWithFallback } from '../model/providers'
import { openProbedSession } from '../model/session'
import type { DetectedLine, Detector, LineCut, Quad, RasterPage } from '../pages/types'
import { classify } from './classify'
import { contrast, cropQuad, encodePng, paperMargin, rotate180 } from './crop'
import { dbBoxes, type DbBox, type Point } from './db-postprocess'
import { normalize, resizeForDet, rotateImage, scaledSize, type Image } from './det-input'
import { frameSize, toFrame, toPage, uprightRotation, type Quarters } from './frames'
import { loadClsModel, loadDetModel } from './manifest'
import { loadOpenCv } from './opencv'
import { boxSize, liesOnSide, upsideDown } from './orientation'
import { readingOrder } from './reading-order'
import { defaultDetectSettings, type DetectSettings } from './settings'
import { textScale } from './text-scale'

export interface DetectorOptions {
  providers?: string[]
  settings?: DetectSettings
}

/** The Detector plus what a status line or a report wants to show. */
export interface LocalDetector extends Detector {
  skippedProviders: SkippedProvider[]
  /** `<model>:<sha256 prefix>` of the detection and direction models. */
  models: { detection: string; classifier: string }
}

// Provider probing fails noisily by design on machines without a GPU; the reasons are recorded instead.
ort.env.logLevel = 'fatal'

/**
 * Page → reading-ordered upright line crops, in this thread: PP-OCRv4 detection with PaddleOCR's
 * pre- and post-processing, again at the size its text reads best where that differs (text-scale.ts),
 * the page's orientation (see orientation.ts), PaddleOCR's per-line crops (with the paper around each
 * box, crop.ts) and 0/180 classifier, then the reading order (reading-order.ts).
 */
export async function loadDetector(options: DetectorOptions = {}): Promise<LocalDetector> {
  const settings = options.settings ?? defaultDetectSettings
  const det = loadDetModel()
  const cls = loadClsModel()
  const { cv } = await loadOpenCv()
  const providers = options.providers ?? defaultProviders()
  const detSession = await openWithFallback(providers, (ep) => openSession(det.bytes, ep, det.manifest.input, [1, 3, 32, 32]))
  const { height, width } = cls.manifest.preprocess
  const clsSession = await openWithFallback(providers, (ep) => openSession(cls.bytes, ep, cls.manifest.input, [1, 3, height, width])).catch(
    async (err) => {
      await detSession.session.release()
      throw err
    },
  )
  const spec = det.manifest.preprocess

  /** DB boxes for an image already at the model's size, in the coordinates of a frame of `destW` × `destH`. */
  async function boxesIn(image: Image, destW: number, destH: number): Promise<DbBox[]> {
    const x = new ort.Tensor('float32', normalize(image, spec), [1, 3, image.height, image.width])
    const out = await detSession.session.run({ [det.manifest.input]: x })
    const map = out[det.manifest.output]
    try {
      const [, , h, w] = map.dims
      return dbBoxes(cv, { data: map.data as Float32Array, width: w, height: h }, destW, destH, settings.db)
    } finally {
      map.dispose?.()
      x.dispose?.()
    }
  }

  async function detect(page: RasterPage, detectOptions: { signal?: AbortSignal } = {}): Promise<DetectedLine[]> {
    const signal = detectOptions.signal
    checkPage(page, settings)
    const { width: W, height: H } = page
    const small = await resizeForDet(cv, page, spec, settings.preshrinkPixels)
    throwIfAborted(signal)
    let frame: Quarters = 0
    let boxes = await boxesIn(small, W, H)
    if (liesOnSide(boxes, settings.tallRatio)) {
      // Turning the model-sized image equals turning the page first: both sides round to 32 the same way.
      const size = frameSize(W, H, 1)
      const turned = await boxesIn(rotateImage(cv, small, 1), size.width, size.height)
      if (!liesOnSide(turned, settings.tallRatio)) (frame = 1), (boxes = turned)
    }
    throwIfAborted(signal)
    // A second look where the text came out too small or too large for the detector (settings.textScale).
    const scale = textScale(boxes, Math.sqrt((small.width / W) * (small.height / H)), settings.textScale)
    if (scale !== null) {
      const target = scaledSize(W, H, scale, spec.multiple, settings.textScale.maxPixels)
      const image = rotateImage(cv, await resizeForDet(cv, page, spec, settings.preshrinkPixels, target), frame)
      const size = frameSize(W, H, frame)
      boxes = await boxesIn(image, size.width, size.height)
      throwIfAborted(signal)
    }
    // Each quad starts at its text's top-left in the frame; a tall box is read turned 90° counter-
    // clockwise as PaddleOCR does (np.rot90), i.e. it starts at the frame's top-right corner.
    const asBoxed = boxes.map((box) => box.points.map((p) => toPage(p, W, H, frame)))
    const tall = boxes.map((box) => {
      const { width, height } = boxSize(box.points)
      return height / width >= settings.tallRatio
    })
    const quads = asBoxed.map((points, i) => rotateStart(points, tall[i] ? 1 : 0))
    // Each crop takes in the blank paper around its box (settings.cropMargin); the line keeps the box as its quad.
    const cropOf = (quad: Quad) => cropQuad(cv, page, paperMargin(page, quad, settings.cropMargin))
    let crops = quads.map(cropOf)
    // How blank a box is (likely junk, store/line-junk.ts) is judged on the box alone: the paper added
    // around it would make faint punctuation look blank (sroie-dev pages: 34 more of 3,028 lines flagged).
    const contrasts = settings.cropMargin ? quads.map((quad) => contrast(cropQuad(cv, page, quad))) : crops.map(contrast)
    const upside = await classify(clsSession.session, crops, cls.manifest, settings.clsBatch)
    throwIfAborted(signal)
    const flipped = upsideDown(
      upside,
      crops.map((c) => c.width),
    )
    // Every line is cut the page's way up. One whose own classifier vote says otherwise with confidence
    // (cls_thresh) offers that way too, and a tall box the box as it stands (one or two upright characters
    // in it): the classifier is often sure and wrong on short lines, so the recognizer decides (settle.ts).
    const own = upside.map((p) => (flipped ? !(1 - p > settings.clsThresh) : p > settings.clsThresh))
    const finalQuads = quads.map((q) => (flipped ? rotateStart(q, 2) : q))
    crops = crops.map((c) => (flipped ? rotate180(c) : c))
    const alternatives = crops.map((crop, i) => {
      const out: Array<{ quad: Quad; image: Image }> = []
      if (own[i] !== flipped) out.push({ quad: rotateStart(finalQuads[i], 2), image: rotate180(crop) })
      if (tall[i]) {
        const quad = rotateStart(asBoxed[i], flipped ? 2 : 0)
        out.push({ quad, image: cropOf(quad) })
      }
      return out
    })
    const upright = ((frame + (flipped ? 2 : 0)) % 4) as Quarters
    const order = readingOrder(
      finalQuads.map((q) => q.map((p) => toFrame(p, W, H, upright))),
      settings.readingOrder,
    )
    const cut = async (quad: Quad, image: Image): Promise<LineCut> => ({
      quad,
      crop: await encodePng(image),
      width: image.width,
      height: image.height,
      rotation: uprightRotation(quad),
    })
    return Promise.all(
      order.map(async (i): Promise<DetectedLine> => {
        const line: DetectedLine = { ...(await cut(finalQuads[i], crops[i])), score: boxes[i].score, contrast: contrasts[i] }
        if (alternatives[i].length) line.alternatives = await Promise.all(alternatives[i].map((a) => cut(a.quad, a.image)))
        return line
      }),
    )
  }

  return {
    provider: detSession.provider,
    skippedProviders: detSession.skipped,
    models: { detection: det.id, classifier: cls.id },
    detect,
    async release() {
      await detSession.session.release()
      await clsSession.session.release()
    },
  }
}

/** The same four corners, starting `start` corners further on (clockwise). */
function rotateStart(points: Point[], start: number): Quad {
  return [0, 1, 2, 3].map((i) => points[(i + start) % 4]) as Quad
}

function checkPage(page: RasterPage, settings: DetectSettings): void {
  const { width, height } = page
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new LectorError('bad-input', `This page has no pixels (${width} × ${height}).`)
  }
  if (width > settings.maxSide || height > settings.maxSide) {
    throw new LectorError(
      'bad-input',
      `This page is too large to read (${width} × ${height} pixels; at most ${settings.maxSide} per side). Scan it at a lower resolution.`,
    )
  }
  if (page.channels !== 3 || page.data.length !== width * height * 3) {
    throw new LectorError('bad-input', `This page's pixels do not match its size (${page.data.length} bytes for ${width} × ${height} RGB).`)
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
}

/** A session proven by one run on a zero input of the given shape. */
function openSession(bytes: Uint8Array, provider: string, input: string, dims: number[]): Promise<ort.InferenceSession> {
  return openProbedSession(bytes, provider, async (session) => {
    await session.run({ [input]: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims) })
  })
}
