import { createRequire } from 'node:module'

/**
 * OpenCV's own WASM build. Its bundled typings miss the helpers PaddleOCR's post-processing needs
 * (RotatedRect.points, Mat.data32F, ...), so it is typed loosely here and only inside detect/.
 */
export type OpenCv = any

const requireHere = createRequire(import.meta.url)

/**
 * Loads OpenCV and waits for its WASM runtime. The Emscripten module is itself a thenable that resolves
 * to itself, so it must never be returned from a promise directly (awaiting it would loop forever):
 * it is wrapped in an object. Loading takes ~0.3 s; the detector loads it once and passes it along.
 */
export async function loadOpenCv(): Promise<{ cv: OpenCv }> {
  const events = ['uncaughtException', 'unhandledRejection'] as const
  const before = new Map(events.map((e) => [e, new Set<unknown>(process.listeners(e as 'uncaughtException'))]))
  const cv = requireHere('@techstark/opencv-js')
  if (!cv.Mat) {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve()
    })
  }
  // Emscripten's Node glue installs process-wide handlers (an unhandled rejection anywhere would abort
  // the WASM runtime and the process). How the host treats its errors is not a library's call: remove them.
  for (const e of events) {
    for (const listener of process.listeners(e as 'uncaughtException')) {
      if (!before.get(e)!.has(listener)) process.off(e, listener as (...args: unknown[]) => void)
    }
  }
  return { cv }
}
