import { createCanvas } from '@napi-rs/canvas'
import { LectorError } from '../errors'
import { fitScale, pageLimits } from './limits'
import { checkPageIndex, firstLine } from './page-errors'
import { loadPdfjs, pdfjsAssets } from './pdfjs-load'
import { readWholeFile } from './read-whole-file'
import type { PageSource, RasterPage } from './types'

/**
 * A PDF through pdf.js, rendered with @napi-rs/canvas (skia). The document is parsed once here; each page
 * is rendered on demand, so a page pdf.js cannot draw fails alone and the others still come.
 */
export async function openPdfSource(path: string, maxPixels: number): Promise<PageSource> {
  const pdfjs = await loadPdfjs()
  const file = await readWholeFile(path)
  // A plain Uint8Array view of the same memory: pdf.js copies a Buffer it is given.
  const data = new Uint8Array(file.buffer, file.byteOffset, file.byteLength)
  const task = pdfjs.getDocument({
    data,
    ...pdfjsAssets(),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    // A PDF's own JavaScript-like functions are interpreted, never compiled with eval.
    isEvalSupported: false,
    maxImageSize: pageLimits.maxPdfImagePixels,
  })
  let doc: Awaited<typeof task.promise>
  try {
    doc = await task.promise
  } catch (err) {
    await task.destroy().catch(() => {})
    throw describeOpenError(path, err)
  }
  if (doc.numPages < 1) {
    await doc.destroy()
    throw new LectorError('bad-input', `${path}: this PDF has no pages.`)
  }
  const pageCount = doc.numPages
  let closed = false
  const page = async (index: number) => {
    if (closed) throw new LectorError('bad-input', `${path} is closed.`)
    checkPageIndex(path, index, pageCount)
    try {
      return await doc.getPage(index + 1)
    } catch (err) {
      throw pageError(path, index, err)
    }
  }
  return {
    path,
    kind: 'pdf',
    pageCount,
    async render(index, options = {}) {
      const dpi = options.dpi ?? pageLimits.dpi
      if (!(dpi >= pageLimits.minDpi && dpi <= pageLimits.maxDpi)) {
        throw new LectorError('bad-input', `A PDF is rendered at ${pageLimits.minDpi}–${pageLimits.maxDpi} dpi, not ${dpi}.`)
      }
      const p = await page(index)
      try {
        return await renderPage(p, dpi, maxPixels)
      } catch (err) {
        throw pageError(path, index, err)
      } finally {
        p.cleanup()
      }
    },
    async textLayer(index) {
      const p = await page(index)
      try {
        const content = await p.getTextContent()
        let text = ''
        for (const item of content.items) {
          if (!('str' in item)) continue
          text += item.str + (item.hasEOL ? '\n' : '')
        }
        return text.trim()
      } catch (err) {
        throw pageError(path, index, err)
      }
    },
    async close() {
      if (closed) return
      closed = true
      await doc.destroy()
    },
  }
}

type PdfPage = Awaited<ReturnType<Awaited<ReturnType<Awaited<ReturnType<typeof loadPdfjs>>['getDocument']>['promise']>['getPage']>>

/**
 * The page at `dpi`, upright (its /Rotate applied), on white paper. A page that would exceed maxPixels at
 * that resolution (a poster, a drawing in A0) is rendered at the lower resolution that fits instead.
 */
async function renderPage(page: PdfPage, dpi: number, maxPixels: number): Promise<RasterPage> {
  const natural = page.getViewport({ scale: dpi / 72 })
  const scale = (dpi / 72) * fitScale(natural.width, natural.height, maxPixels)
  const viewport = page.getViewport({ scale })
  const width = Math.max(1, Math.floor(viewport.width))
  const height = Math.max(1, Math.floor(viewport.height))
  const canvas = createCanvas(width, height)
  const context = canvas.getContext('2d')
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, width, height)
  // pdf.js types its canvas as the DOM's; @napi-rs/canvas is the implementation it loads itself in Node.
  await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise
  const rgba = context.getImageData(0, 0, width, height).data
  const data = Buffer.allocUnsafe(width * height * 3)
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    data[o] = rgba[i]
    data[o + 1] = rgba[i + 1]
    data[o + 2] = rgba[i + 2]
  }
  return { width, height, channels: 3, data }
}

function describeOpenError(path: string, err: unknown): LectorError {
  const name = (err as Error)?.name
  const detail = firstLine(err)
  if (name === 'PasswordException') {
    return new LectorError('bad-input', `${path}: This PDF is password-protected; Lector cannot open it.`, { cause: err })
  }
  if (name === 'InvalidPDFException') {
    return new LectorError('unreadable', `Cannot open ${path}: the PDF is damaged (${detail}).`, { cause: err })
  }
  return new LectorError('unreadable', `Cannot open ${path}: ${detail}.`, { cause: err })
}

function pageError(path: string, index: number, err: unknown): LectorError {
  if (err instanceof LectorError) return err
  const detail = firstLine(err)
  return new LectorError('unreadable', `Cannot render page ${index + 1} of ${path}: the page is damaged (${detail}).`, { cause: err })
}
