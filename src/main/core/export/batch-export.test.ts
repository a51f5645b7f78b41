import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { insertSyntheticBatch } from '../../../../tests/fixtures/synthetic-batch'
import { createLineIndex } from '../review/listing'
import { createEventBus } from '../event-bus'
import { openLibrary } from '../store/db'
import { createExporter, EXPORT_COLUMNS } from './batch-export'

function setUp() {
  const db = openLibrary(':memory:')
  const events = createEventBus()
  const { batchId, ids } = insertSyntheticBatch(db, 'b', [
    { text: 'total 12.40', confidence: 0.91 },
    { text: '=HYPERLINK("x")', confidence: 0.6 },
    { text: 'comma, "quote"\nnewline', confidence: 0.7 },
    { text: '', confidence: 0, error: 'not an image' },
  ])
  db.prepare("INSERT INTO corrections (line_id, text, kind) VALUES (?, 'TOTAL 12.40', 'typed')").run(ids[0])
  const index = createLineIndex({ db, events, contextOf: () => undefined })
  const progress: Array<{ done: number; total: number; state: string }> = []
  events.on('job:progressed', (p) => progress.push(p))
  const exporter = createExporter({ index, events, exists: () => undefined })
  const dir = mkdtempSync(join(tmpdir(), 'lector-export-'))
  return { batchId, exporter, progress, dir }
}

describe('batch export', () => {
  it('writes a CSV with a header, the reviewed text, its status and the model text, formulas neutralized', async () => {
    const { batchId, exporter, dir, progress } = setUp()
    const path = join(dir, 'out.csv')
    const result = await exporter.toFile({ batchId, format: 'csv', path, bom: false })
    expect(result).toMatchObject({ path, lines: 4 })
    const text = readFileSync(path, 'utf8')
    expect(text.charCodeAt(0)).not.toBe(0xfeff)
    const rows = parse<Record<string, string>>(text, { columns: true })
    expect(Object.keys(rows[0])).toEqual(EXPORT_COLUMNS)
    expect(rows.map((r) => [r.line, r.text, r.status, r.model_text])).toEqual([
      ['1', 'TOTAL 12.40', 'corrected', 'total 12.40'],
      ['2', `'=HYPERLINK("x")`, 'model', `'=HYPERLINK("x")`],
      ['3', 'comma, "quote"\nnewline', 'model', 'comma, "quote"\nnewline'],
      ['4', '', 'failed', ''],
    ])
    expect(rows[0].confidence).toBe('1')
    expect(progress.at(-1)).toMatchObject({ state: 'finished', done: 4, total: 4 })
    expect(readdirSync(dir)).toEqual(['out.csv'])
  })

  it('starts the CSV with a byte-order mark when asked, for spreadsheet apps', async () => {
    const { batchId, exporter, dir } = setUp()
    await exporter.toFile({ batchId, format: 'csv', path: join(dir, 'bom.csv'), bom: true })
    expect(readFileSync(join(dir, 'bom.csv'))[0]).toBe(0xef)
  })

  it('writes JSON that parses to one object per line', async () => {
    const { batchId, exporter, dir } = setUp()
    await exporter.toFile({ batchId, format: 'json', path: join(dir, 'out.json'), bom: true })
    const lines = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as unknown[]
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatchObject({ text: 'TOTAL 12.40', status: 'corrected', model_text: 'total 12.40', page: 1, line: 1 })
    expect(lines[3]).toMatchObject({ status: 'failed', error: 'not an image' })
  })

  it('refuses a folder that does not exist, leaving nothing behind', async () => {
    const { batchId, exporter, dir } = setUp()
    await expect(exporter.toFile({ batchId, format: 'csv', path: join(dir, 'nope', 'x.csv'), bom: false })).rejects.toThrow(/no folder/)
  })
})
