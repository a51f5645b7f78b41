// The files a batch is made of: a folder's, one level deep, in natural name order; each told apart by its
// content as a line image, a document, or neither.
import { readdir } from 'node:fs/promises'
import { basename, extname, join, sep } from 'node:path'
import { LectorError } from '../errors'
import { sortInSlices } from '../sort-in-slices'
import { classifyFile } from './classify'

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp', '.gif']
export const KNOWN_FORMATS = 'PNG, JPEG, WebP, GIF, BMP and TIFF images and PDFs'
const PDF_EXTENSION = '.pdf'

// One collator for every comparison: localeCompare with options builds one per call, which made sorting
// a 50,000-file folder a few hundred milliseconds of main-thread work.
const naturalOrder = new Intl.Collator(undefined, { numeric: true })

/** A folder's files, one level deep, hidden ones left out, in natural name order. */
export async function folderFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((err: Error) => {
    throw new LectorError('unreadable', `Cannot read the folder ${folder}: ${err.message}`)
  })
  const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name)
  // A name from readdir has no separator: the folder is joined once, not normalised 50,000 times again.
  const prefix = join(folder, sep)
  return (await sortInSlices(names, naturalOrder.compare)).map((f) => prefix + f)
}

/** A batch's files by what they are: see sortFiles. */
export interface SortedFiles {
  lines: string[]
  /** Documents, in order; those in `undecided` too (images that are a line or a page, by their lines). */
  documents: string[]
  undecided: Set<string>
  skipped: string[]
}

/**
 * Line images, documents (pages to detect first; an image whose size does not tell is one of them, and
 * its lines decide) and the files left out, by content (see classify.ts). A file whose content is
 * unreadable but whose name says image or PDF is kept, so it fails with its decoder's own message where
 * the reviewer sees it; other unknown files are left out by name.
 */
export async function sortFiles(files: string[]): Promise<SortedFiles> {
  const out: SortedFiles = { lines: [], documents: [], undecided: new Set(), skipped: [] }
  const CONCURRENT = 64
  for (let i = 0; i < files.length; i += CONCURRENT) {
    const slice = files.slice(i, i + CONCURRENT)
    const kinds = await Promise.all(slice.map(classifyFile))
    slice.forEach((path, j) => {
      const ext = extname(path).toLowerCase()
      const kind = kinds[j] !== 'unknown' ? kinds[j] : ext === PDF_EXTENSION ? 'document' : IMAGE_EXTENSIONS.includes(ext) ? 'line' : 'unknown'
      if (kind === 'line') out.lines.push(path)
      else if (kind === 'document') out.documents.push(path)
      else if (kind === 'page-or-line') {
        out.documents.push(path)
        out.undecided.add(path)
      }
      else out.skipped.push(basename(path))
    })
  }
  return out
}
