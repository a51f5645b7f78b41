// The page worker: pdf.js parses and draws in the thread that calls it (in Node it has no worker of its own),
// 0.3–1 s per page at 200 dpi; here that work stays off the engine's main thread. Images decode in sharp's
// own threads either way, but go through here too so that one object serves every format.
import { parentPort } from 'node:worker_threads'
import { LectorError } from '../errors'
import { serve } from '../worker-serve'
import { runInBackground } from '../thread-priority'
import { openPageSource } from './open-page-source'
import type { PageSource, RasterPage } from './types'

/** Calls run concurrently: a long render does not hold up another document's open. */
export type PagesWorker = {
  init: object
  ready: object
  calls: {
    /** Opens a document (an image or a PDF); its pages are then asked for by `source`. */
    open: { input: [path: string, maxPixels: number | undefined]; output: OpenedSource }
    render: { input: [source: number, index: number, dpi: number | undefined]; output: RasterPage }
    text: { input: [source: number, index: number]; output: string }
    close: { input: [source: number]; output: void }
  }
}

export interface OpenedSource {
  source: number
  path: string
  kind: PageSource['kind']
  pageCount: number
  hasTextLayer: boolean
}

// Before anything here starts threads (ONNX Runtime's, libvips'): they take this priority (thread-priority.ts).
runInBackground()
const port = parentPort!
const sources = new Map<number, PageSource>()
let nextSource = 1

function find(source: number): PageSource {
  const found = sources.get(source)
  if (!found) throw new LectorError('bad-input', 'This document is closed.')
  return found
}

serve<PagesWorker>(port, {}, {
  async open(path, maxPixels) {
    const opened = await openPageSource(path, { maxPixels })
    const source = nextSource++
    sources.set(source, opened)
    return { source, path: opened.path, kind: opened.kind, pageCount: opened.pageCount, hasTextLayer: !!opened.textLayer }
  },
  async render(source, index, dpi, { transfer }) {
    const page = await find(source).render(index, { dpi })
    // Only a buffer that owns its whole ArrayBuffer may be transferred (small Buffers share Node's pool).
    const own = page.data.byteOffset === 0 && page.data.buffer.byteLength === page.data.length ? page.data : Buffer.from(page.data)
    transfer([own.buffer as ArrayBuffer])
    return { ...page, data: own }
  },
  async text(source, index) {
    const found = find(source)
    return found.textLayer ? await found.textLayer(index) : ''
  },
  async close(source) {
    await sources.get(source)?.close()
    sources.delete(source)
  },
})
