import { describe, expect, it } from 'vitest'
import type { BatchSummary } from '../../../shared/api'
import { amongScans, defaultPath } from './export-path'

const batch = { name: 'receipts 2024', source: '/scans/receipts' } as BatchSummary

describe('where an export goes', () => {
  it('to the folder last exported to, else the engine’s export folder, never the scanned folder', () => {
    expect(defaultPath(batch, 'csv', '/home/a/.config/Lector/exports', null)).toBe('/home/a/.config/Lector/exports/receipts-2024-review.csv')
    expect(defaultPath(batch, 'json', '/home/a/.config/Lector/exports', '/home/a/out/')).toBe('/home/a/out/receipts-2024-review.json')
    expect(defaultPath(batch, 'csv', 'C:\\Users\\a\\AppData\\Roaming\\Lector\\exports', null)).toBe('C:\\Users\\a\\AppData\\Roaming\\Lector\\exports\\receipts-2024-review.csv')
    expect(defaultPath(batch, 'csv', undefined, null)).toBe('')
  })

  it('says when a path puts the export among the scans', () => {
    expect(amongScans('/scans/receipts/receipts-review.csv', '/scans/receipts')).toBe(true)
    expect(amongScans('/scans/receipts/out/receipts-review.csv', '/scans/receipts')).toBe(false)
    expect(amongScans('/home/a/exports/receipts-review.csv', '/scans/receipts')).toBe(false)
    expect(amongScans('/scans/receipts-review.csv', '/scans/receipts')).toBe(false)
  })
})
