// The images the reviewer sees beside a line's text: the line itself (a display copy of its file or of the
// crop cut from its page) and the page it was found on, with its quad.
import { basename } from 'node:path'
import sharp from 'sharp'
import type { CropImage, PageView } from '../../../shared/api'
import { LectorError } from '../errors'
import { pageLimits } from '../pages/limits'
import { readRegularFile } from '../safe-files'
import type { LineQueries } from '../store/lines'

export interface LineImages {
  crop(lineId: number): Promise<CropImage>
  /** The page a line was found on, as a preview image with the line's quad on it; null for a cut line. */
  pageView(lineId: number): PageView | null
}

export function createLineImages(lines: LineQueries): LineImages {
  return {
    pageView(lineId) {
      const row = lines.pageOf(lineId)
      if (!row) {
        if (lines.batchOf(lineId) === undefined) throw new LectorError('not-found', `There is no line ${lineId}.`)
        return null
      }
      if (!row.preview) return null
      return {
        file: basename(row.path),
        page: row.pageNo + 1,
        width: row.width,
        height: row.height,
        quad: row.quad ? (JSON.parse(row.quad) as Array<[number, number]>) : null,
        dataUrl: `data:image/jpeg;base64,${row.preview.toString('base64')}`,
      }
    },

    async crop(lineId) {
      const line = lines.image(lineId)
      if (!line) throw new LectorError('not-found', `There is no line ${lineId}.`)
      if (!line.crop && !line.path) throw new LectorError('not-found', `Line ${lineId} has no image.`)
      // The file as it is now: a regular file of bounded size (it may have been replaced since it was read).
      const source =
        line.crop ??
        (await readRegularFile(line.path!, { maxBytes: pageLimits.maxFileBytes, what: 'a line image' }).catch((err: Error) => {
          throw new LectorError('unreadable', `Cannot show the image of line ${lineId}: ${err.message}`)
        }))
      try {
        // A display copy: upright, at most 96 px high and 2,000 px wide, so a long list stays light.
        const png = await sharp(source, { failOn: 'error' })
          .rotate()
          .resize({ height: 96, width: 2000, fit: 'inside', withoutEnlargement: true })
          .png()
          .toBuffer()
        return { mime: 'image/png', dataUrl: `data:image/png;base64,${png.toString('base64')}` }
      } catch (err) {
        throw new LectorError('unreadable', `Cannot show the image of line ${lineId}: ${(err as Error).message}`)
      }
    },
  }
}
