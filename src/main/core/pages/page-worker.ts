import { connectWorker } from '../workers'
import type { PagesWorker } from './worker'
import type { PageSourceOptions } from './open-page-source'
import type { PageSource } from './types'

export interface PageWorker {
  /** openPageSource, run in the worker: the same pages and the same LectorErrors, off this thread. */
  open(path: string, options?: PageSourceOptions): Promise<PageSource>
  /** Stops the worker; sources opened through it stop working. */
  close(): Promise<void>
}

export async function startPageWorker(): Promise<PageWorker> {
  const worker = await connectWorker<PagesWorker>('pages-worker', new URL('./worker.ts', import.meta.url), {}, 'page')
  return {
    async open(path, options = {}) {
      const opened = await worker.call('open', path, options.maxPixels)
      const source: PageSource = {
        path: opened.path,
        kind: opened.kind,
        pageCount: opened.pageCount,
        async render(index, renderOptions = {}) {
          const page = await worker.call('render', opened.source, index, renderOptions.dpi)
          // Structured cloning delivers a Uint8Array over the transferred memory: view it as a Buffer, no copy.
          return { ...page, data: Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength) }
        },
        close: () => worker.call('close', opened.source),
      }
      if (opened.hasTextLayer) source.textLayer = (index) => worker.call('text', opened.source, index)
      return source
    },
    close: () => worker.close(),
  }
}
