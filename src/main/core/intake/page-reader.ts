import type { PageReader } from './page-import'
import { startDetector } from '../detect/detector-client'
import { startPageWorker, type PageWorker } from '../pages/page-worker'
import type { Detector } from '../pages/types'

/**
 * The engine's way to documents: the page worker (pdf.js, sharp) and the detector (PP-OCRv4 det + cls),
 * each in its own thread, started on first use only: a library of cut lines never loads either.
 */
export function createPageReader(options: { providers?: string[] }): PageReader & { detectorIfStarted(): Detector | null } {
  let pages: Promise<PageWorker> | null = null
  let detector: Promise<Detector> | null = null
  let started: Detector | null = null
  const once = <T>(p: Promise<T>, reset: () => void) => {
    p.catch(reset)
    return p
  }
  return {
    async open(path) {
      pages ??= once(startPageWorker(), () => (pages = null))
      return (await pages).open(path)
    },
    detector() {
      detector ??= once(
        startDetector({ providers: options.providers }).then((d) => (started = d)),
        () => (detector = null),
      )
      return detector
    },
    detectorIfStarted: () => started,
    async close() {
      const [p, d] = await Promise.allSettled([pages, detector])
      if (p.status === 'fulfilled' && p.value) await p.value.close()
      if (d.status === 'fulfilled' && d.value) await d.value.release()
    },
  }
}
