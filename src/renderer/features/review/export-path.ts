// Where an export goes by default: the folder the reviewer last exported to, else the engine's export folder
// beside the library; never the scanned folder unless the reviewer types it (the dialog then says so).
import type { BatchSummary, ExportFormat } from '../../../shared/api'

/** Where the reviewer last exported to, on this machine's browser (not a secret: a folder path). */
const LAST_FOLDER = 'lector.exportFolder'

export function rememberFolder(path: string) {
  const folder = path.replace(/[\\/][^\\/]*$/, '')
  try {
    if (folder) localStorage.setItem(LAST_FOLDER, folder)
  } catch {
    // Storage may be off (private windows): the engine's folder is the default then.
  }
}

function lastFolder(): string | null {
  try {
    return localStorage.getItem(LAST_FOLDER)
  } catch {
    return null
  }
}

/** `<folder>/<batch>-review.<format>`: the folder last exported to, else the engine's export folder. */
export function defaultPath(batch: BatchSummary, format: ExportFormat, exportFolder: string | undefined, last = lastFolder()): string {
  const safe = batch.name.replace(/[^\w.-]+/g, '-')
  const folder = last ?? exportFolder ?? ''
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/'
  return folder ? `${folder.replace(/[\\/]+$/, '')}${sep}${safe}-review.${format}` : ''
}

/** Whether a path lies in the batch's scanned folder (the batch's source, when it is a folder path). */
export function amongScans(path: string, source: string): boolean {
  const norm = (p: string) => p.trim().replace(/\\/g, '/').replace(/\/+$/, '')
  const folder = norm(source)
  return folder !== '' && norm(path).startsWith(`${folder}/`) && !norm(path).slice(folder.length + 1).includes('/')
}
