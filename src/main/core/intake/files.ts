// The files a batch is made of: a folder's, one level deep, in natural name order; each told apart by its
// content as a line image, a document, or neither. Only regular files are opened: links in a folder, named
// pipes, devices, sockets and sub-folders are left out with their reason.
import type { Dirent } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { basename, extname, join, sep } from 'node:path'
import { SUB_FOLDER, type SkippedFile } from '../../../shared/api'
import { LectorError } from '../errors'
import { notRegularFile } from '../safe-files'
import { sortInSlices } from '../sort-in-slices'
import { classifyFile } from './classify'

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp', '.gif']
export const KNOWN_FORMATS = 'PNG, JPEG, WebP, GIF, BMP and TIFF images and PDFs'
const PDF_EXTENSION = '.pdf'
export const NOT_A_DOCUMENT = 'not an image, page scan or PDF'
/** Why a link in an opened folder is left out: it may lead anywhere (a device, a folder elsewhere, itself). */
const LINK = 'a symbolic link (links in a folder are not followed)'

// One collator for every comparison: localeCompare with options builds one per call, which made sorting
// a 50,000-file folder a few hundred milliseconds of main-thread work.
const naturalOrder = new Intl.Collator(undefined, { numeric: true })

/**
 * A folder's regular files, one level deep, hidden ones left out, in natural name order; its sub-folders,
 * links, named pipes, devices and sockets as skipped, with the reason.
 */
export async function folderFiles(folder: string): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((err: Error) => {
    throw new LectorError('unreadable', `Cannot read the folder ${folder}: ${err.message}`)
  })
  const names: string[] = []
  const skipped: SkippedFile[] = []
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const why = await entryProblem(folder, e)
    if (why === null) names.push(e.name)
    else skipped.push({ name: e.name, reason: why === 'folder' ? SUB_FOLDER : why })
  }
  // A name from readdir has no separator: the folder is joined once, not normalised 50,000 times again.
  const prefix = join(folder, sep)
  return { files: (await sortInSlices(names, naturalOrder.compare)).map((f) => prefix + f), skipped }
}

/** Null for a regular file, 'folder' for a folder, else why the entry is left out. */
async function entryProblem(folder: string, e: Dirent): Promise<string | null> {
  // A file system that does not say what its entries are (DT_UNKNOWN) is asked.
  const known = e.isFile() || e.isDirectory() || e.isSymbolicLink() || e.isFIFO() || e.isSocket() || e.isCharacterDevice() || e.isBlockDevice()
  const entry = known ? e : await lstat(join(folder, e.name)).catch(() => null)
  if (!entry) return null
  if (entry.isDirectory()) return 'folder'
  if (entry.isSymbolicLink()) return LINK
  return notRegularFile(entry)
}

/** A batch's files by what they are: see sortFiles. */
export interface SortedFiles {
  lines: string[]
  /** Documents, in order; those in `undecided` too (images that are a line or a page, by their lines). */
  documents: string[]
  undecided: Set<string>
  skipped: SkippedFile[]
}

/**
 * Line images, documents (pages to detect first; an image whose size does not tell is one of them, and
 * its lines decide) and the files left out, by content (see classify.ts). A file whose content is
 * unreadable but whose name says image or PDF is kept, so it fails with its decoder's own message where
 * the reviewer sees it; other unknown files are left out by name, and files that are not regular ones (or
 * too large) whatever their name, each with its reason.
 */
export async function sortFiles(files: string[]): Promise<SortedFiles> {
  const out: SortedFiles = { lines: [], documents: [], undecided: new Set(), skipped: [] }
  const CONCURRENT = 64
  for (let i = 0; i < files.length; i += CONCURRENT) {
    const slice = files.slice(i, i + CONCURRENT)
    const kinds = await Promise.all(slice.map(classifyFile))
    slice.forEach((path, j) => {
      const found = kinds[j]
      if (typeof found === 'object') {
        out.skipped.push({ name: basename(path), reason: found.refused })
        return
      }
      const ext = extname(path).toLowerCase()
      const kind = found !== 'unknown' ? found : ext === PDF_EXTENSION ? 'document' : IMAGE_EXTENSIONS.includes(ext) ? 'line' : 'unknown'
      if (kind === 'line') out.lines.push(path)
      else if (kind === 'document') out.documents.push(path)
      else if (kind === 'page-or-line') {
        out.documents.push(path)
        out.undecided.add(path)
      } else out.skipped.push({ name: basename(path), reason: NOT_A_DOCUMENT })
    })
  }
  return out
}
