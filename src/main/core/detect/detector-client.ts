import { connectWorker } from '../workers'
import type { DetectorOptions, LocalDetector } from './detector'
import type { DetectWorker } from './worker'

/**
 * The engine's detector: the same interface as `loadDetector`, with the sessions in a worker thread
 * (see detect/worker.ts), so detecting a page never blocks the host's event loop.
 */
export async function startDetector(options: DetectorOptions = {}): Promise<LocalDetector> {
  const worker = await connectWorker<DetectWorker>('detect-worker', new URL('./worker.ts', import.meta.url), options, 'detection')
  return {
    ...worker.ready,
    async detect(page, detectOptions = {}) {
      // A page that owns its whole memory (as the page worker delivers it) moves to the detector instead
      // of being copied: a 40-MP page is 120 MB. The caller's page is unusable afterwards.
      const owned = page.data.byteOffset === 0 && page.data.byteLength === page.data.buffer.byteLength && page.data.buffer instanceof ArrayBuffer
      const lines = await worker.callWith(
        { signal: detectOptions.signal, transfer: owned ? [page.data.buffer as ArrayBuffer] : [] },
        'detect',
        { width: page.width, height: page.height, data: page.data },
      )
      // Structured clone turns Buffers into Uint8Arrays.
      const buffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)
      return lines.map((l) => ({
        ...l,
        crop: buffer(l.crop),
        ...(l.alternatives ? { alternatives: l.alternatives.map((a) => ({ ...a, crop: buffer(a.crop) })) } : {}),
      }))
    },
    async release() {
      await worker.call('release').catch(() => undefined)
      await worker.close()
    },
  }
}
