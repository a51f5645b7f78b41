// The page worker: pdf.js parses and draws in the thread that calls it (in Node it has no worker of its own),
// 0.3–1 s per page at 200 dpi; here that work stays off the engine's main thread. Images decode in sharp's
// own threads either way, but go through here too so that one object serves every format.
import { parentPort } from 'node:worker_threads'
import { LectorError } from '../errors'
import { openPageSource } from './open-page-source'
import type { PageSource } from './types'

export type PagesRequest =
  | { op: 'open'; path: string; maxPixels?: number }
  | { op: 'render'; source: number; index: number; dpi?: number }
  | { op: 'text'; source: number; index: number }
  | { op: 'close'; source: number }

export interface OpenedSource {
  source: number
  path: string
  kind: PageSource['kind']
  pageCount: number
  hasTextLayer: boolean
}

const port = parentPort!
const sources = new Map<number, PageSource>()
let nextSource = 1

async function handle(request: PagesRequest): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.op) {
    case 'open': {
      const opened = await openPageSource(request.path, { maxPixels: request.maxPixels })
      const source = nextSource++
      sources.set(source, opened)
      const value: OpenedSource = { source, path: opened.path, kind: opened.kind, pageCount: opened.pageCount, hasTextLayer: !!opened.textLayer }
      return { value }
    }
    case 'render': {
      const page = await find(request.source).render(request.index, { dpi: request.dpi })
      // Only a buffer that owns its whole ArrayBuffer may be transferred (small Buffers share Node's pool).
      const own = page.data.byteOffset === 0 && page.data.buffer.byteLength === page.data.length ? page.data : Buffer.from(page.data)
      return { value: { ...page, data: own }, transfer: [own.buffer as ArrayBuffer] }
    }
    case 'text': {
      const source = find(request.source)
      return { value: source.textLayer ? await source.textLayer(request.index) : '' }
    }
    case 'close': {
      await sources.get(request.source)?.close()
      sources.delete(request.source)
      return { value: null }
    }
  }
}

function find(source: number): PageSource {
  const found = sources.get(source)
  if (!found) throw new LectorError('bad-input', 'This document is closed.')
  return found
}

port.postMessage({ ready: {} })
// Requests run concurrently: a long render does not hold up another document's open.
port.on('message', async ({ id, request }: { id: number; request: PagesRequest }) => {
  try {
    const { value, transfer } = await handle(request)
    port.postMessage({ id, ok: true, value }, transfer ?? [])
  } catch (err) {
    const e = err as Error
    port.postMessage({ id, ok: false, name: e.name, message: e.message, code: err instanceof LectorError ? err.code : undefined })
  }
})
