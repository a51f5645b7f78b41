import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'

// pdf.js is loaded from node_modules at run time, never bundled (electron.vite.config.ts lists it external):
// in Node it runs its "worker" in this thread by importing ./pdf.worker.mjs beside itself, and reads its
// fonts, CMaps and wasm decoders from the package's own folders. The legacy build is the one pdf.js supports
// in Node (the modern build assumes browser globals such as Path2D's full API).
export type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs')

export function loadPdfjs(): Promise<Pdfjs> {
  return import('pdfjs-dist/legacy/build/pdf.mjs')
}

/**
 * The package's data folders, as getDocument wants them (paths with a trailing separator: in Node, pdf.js
 * reads them with fs). Without standard fonts a PDF that uses Helvetica without embedding it renders no text;
 * without CMaps, CJK text; without the wasm decoders, JPEG 2000 scans.
 */
export function pdfjsAssets(): { standardFontDataUrl: string; cMapUrl: string; cMapPacked: true; wasmUrl: string; iccUrl: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))
  const folder = (name: string) => join(root, name) + sep
  return {
    standardFontDataUrl: folder('standard_fonts'),
    cMapUrl: folder('cmaps'),
    cMapPacked: true,
    wasmUrl: folder('wasm'),
    iccUrl: folder('iccs'),
  }
}
