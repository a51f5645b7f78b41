// What the review header says of the entries an opened folder left out: files and sub-folders counted apart
// (a folder of receipt folders is not "3 files"), the first few named with their reasons.
import { SUB_FOLDER, type SkippedFile } from '../../../shared/api'
import { count } from '../../lib/plural'

const NAMED = 3

export function leftOutNotice(skipped: SkippedFile[]): string | null {
  if (skipped.length === 0) return null
  const folders = skipped.filter((s) => s.reason === SUB_FOLDER).length
  const files = skipped.length - folders
  const counted = [files && count(files, 'file'), folders && count(folders, 'folder')].filter(Boolean).join(' and ')
  const named = skipped.slice(0, NAMED).map((s) => `${s.name} (${s.reason})`)
  return `Left out ${counted}: ${named.join(', ')}${skipped.length > NAMED ? '…' : ''}`
}
