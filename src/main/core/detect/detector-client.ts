import type { ErrorCode } from '../../../shared/api'
import { LectorError } from '../errors'
import type { DetectedLine } from '../pages/types'
import { connectWorker } from '../workers'
import type { DetectorOptions, LocalDetector } from './detector'
import type { DetectRequest, WorkerReady } from './worker'

/**
 * The engine's detector: the same interface as `loadDetector`, with the sessions in a worker thread
 * (see detect/worker.ts), so detecting a page never blocks the host's event loop.
 */
export async function startDetector(options: DetectorOptions = {}): Promise<LocalDetector> {
  const worker = await connectWorker<WorkerReady>('detect-worker', new URL('./worker.ts', import.meta.url), options, 'detection')
  // Names each detect so a cancel can find it in the worker.
  let nextToken = 1
  return {
    ...worker.ready,
    async detect(page, detectOptions = {}) {
      const signal = detectOptions.signal
      if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
      const token = nextToken++
      const cancel = () => worker.post({ op: 'cancel', token } satisfies DetectRequest)
      signal?.addEventListener('abort', cancel, { once: true })
      try {
        const request: DetectRequest = { op: 'detect', token, page: { width: page.width, height: page.height, data: page.data } }
        // A page that owns its whole memory (as the page worker delivers it) moves to the detector instead
        // of being copied: a 40-MP page is 120 MB. The caller's page is unusable afterwards.
        const owned = page.data.byteOffset === 0 && page.data.byteLength === page.data.buffer.byteLength && page.data.buffer instanceof ArrayBuffer
        const lines = await worker.call<DetectedLine[]>(request, owned ? { transfer: [page.data.buffer as ArrayBuffer] } : {})
        // Structured clone turns Buffers into Uint8Arrays.
        return lines.map((l) => ({ ...l, crop: Buffer.from(l.crop.buffer, l.crop.byteOffset, l.crop.byteLength) }))
      } catch (err) {
        const e = err as Error & { code?: ErrorCode }
        if (e.name === 'LectorError' && e.code) throw new LectorError(e.code, e.message)
        throw err
      } finally {
        signal?.removeEventListener('abort', cancel)
      }
    },
    async release() {
      await worker.call({ op: 'release' } satisfies DetectRequest).catch(() => undefined)
      await worker.close()
    },
  }
}
