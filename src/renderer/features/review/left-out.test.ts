import { describe, expect, it } from 'vitest'
import { SUB_FOLDER } from '../../../shared/api'
import { leftOutNotice } from './left-out'

const file = (name: string) => ({ name, reason: 'not an image, page scan or PDF' })
const folder = (name: string) => ({ name, reason: SUB_FOLDER })

describe('leftOutNotice', () => {
  it('counts files and folders apart', () => {
    expect(leftOutNotice([folder('receipt-1'), folder('receipt-2')])).toBe(
      `Left out 2 folders: receipt-1 (${SUB_FOLDER}), receipt-2 (${SUB_FOLDER})`,
    )
    expect(leftOutNotice([file('notes.txt'), folder('old')])).toBe(`Left out 1 file and 1 folder: notes.txt (not an image, page scan or PDF), old (${SUB_FOLDER})`)
  })

  it('names the first three and says nothing when nothing was left out', () => {
    expect(leftOutNotice(['a', 'b', 'c', 'd'].map(file))).toMatch(/^Left out 4 files: a \(.*\), b \(.*\), c \(.*\)…$/)
    expect(leftOutNotice([])).toBeNull()
  })
})
