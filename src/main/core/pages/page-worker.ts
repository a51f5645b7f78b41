import { LectorError } from '../errors'
import { connectWorker, type WorkerConnection } from '../workers'
import type { OpenedSource, PagesRequest } from './worker'
import type { PageSourceOptions } from './open-page-source'
import type { PageSource, RasterPage } from './types'

export interface PageWorker {
  /** openPageSource, run in the worker: the same pages and the same LectorErrors, off this thread. */
  open(path: string, options?: PageSourceOptions): Promise<PageSource>
  /** Stops the worker; sources opened through it stop working. */
  close(): Promise<void>
}

export async function startPageWorker(): Promise<PageWorker> {
  const connection: WorkerConnection<object> = await connectWorker('pages-worker', new URL('./worker.ts', import.meta.url), {}, 'page')
  const call = async <T>(request: PagesRequest): Promise<T> => {
    try {
      return await connection.call<T>(request)
    } catch (err) {
      // The code crossed the thread as data: make it a LectorError again for the caller.
      const code = (err as { code?: LectorError['code'] }).code
      throw code ? new LectorError(code, (err as Error).message) : err
    }
  }
  return {
    async open(path, options = {}) {
      const opened = await call<OpenedSource>({ op: 'open', path, maxPixels: options.maxPixels })
      const source: PageSource = {
        path: opened.path,
        kind: opened.kind,
        pageCount: opened.pageCount,
        async render(index, renderOptions = {}) {
          const page = await call<RasterPage>({ op: 'render', source: opened.source, index, dpi: renderOptions.dpi })
          // Structured cloning delivers a Uint8Array over the transferred memory: view it as a Buffer, no copy.
          return { ...page, data: Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength) }
        },
        close: () => call<void>({ op: 'close', source: opened.source }),
      }
      if (opened.hasTextLayer) source.textLayer = (index) => call<string>({ op: 'text', source: opened.source, index })
      return source
    },
    close: () => connection.close(),
  }
}
