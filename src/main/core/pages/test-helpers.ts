// Shared by the page-source tests: where the ink is on a rendered page.
import { mkdtempSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { RasterPage } from './types'

/** Fraction of pixels in [x0, x1) × [y0, y1) darker than mid-grey. */
export function inkIn(page: RasterPage, x0: number, y0: number, x1: number, y1: number): number {
  let dark = 0
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * page.width + x) * 3
      if (page.data[o] + page.data[o + 1] + page.data[o + 2] < 3 * 128) dark++
    }
  }
  return dark / ((x1 - x0) * (y1 - y0))
}

export function pixel(page: RasterPage, x: number, y: number): [number, number, number] {
  const o = (y * page.width + x) * 3
  return [page.data[o], page.data[o + 1], page.data[o + 2]]
}

/**
 * A temporary folder for one describe block, written into by name: made when the block is collected,
 * removed after its tests (vitest's afterAll is registered here).
 */
export function useScratch(): { dir: string; write(name: string, data: Buffer | string): Promise<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'lector-pages-'))
  afterAll(() => rm(dir, { recursive: true, force: true }))
  return {
    dir,
    async write(name, data) {
      const path = join(dir, name)
      await writeFile(path, data)
      return path
    },
  }
}
