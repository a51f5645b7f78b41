import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { ContextReport } from '../../src/cli/eval'
import { textPdf } from '../fixtures/documents'
import { renderLines } from '../fixtures/render-lines'

const exec = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const cli = (args: string[]) =>
  exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: { ...process.env, LECTOR_PROVIDERS: 'cpu' } })

describe('lector run', () => {
  it('writes a CSV with the text of every line image in a folder, and a clear error for a damaged one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-cli-'))
    const texts = ['TOTAL RM 12.50', '=SUM(A1:A3) is not a formula', 'Thank you! Please come again.']
    await renderLines(join(dir, 'lines'), texts)
    writeFileSync(join(dir, 'lines', 'line-003.png'), 'not a png')
    writeFileSync(join(dir, 'lines', 'labels.tsv'), 'ignored')
    const out = join(dir, 'results.csv')
    const { stderr } = await cli(['run', '--input', join(dir, 'lines'), '--out', out, '--db', join(dir, 'library.db')])
    expect(stderr).toMatch(/provider: cpu/)
    expect(stderr).toMatch(/skipped \(not an image, page scan or PDF\): labels.tsv/)
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true })
    expect(rows.map((r) => r.file)).toEqual(['line-000.png', 'line-001.png', 'line-002.png', 'line-003.png'])
    // A cell that a spreadsheet would run as a formula is neutralized with a leading apostrophe.
    expect(rows.map((r) => r.text)).toEqual(['TOTAL RM 12.50', "'=SUM(A1:A3) is not a formula", 'Thank you! Please come again.', ''])
    expect(rows[3].error).toMatch(/not an image/)
    for (const r of rows.slice(0, 3)) expect(Number(r.confidence)).toBeGreaterThan(0.8)
  })

  it('fails with a clear message for a folder that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-cli-'))
    await expect(cli(['run', '--input', join(dir, 'nope'), '--out', join(dir, 'x.csv'), '--db', join(dir, 'l.db')])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Not found: .*nope/),
    })
  })

  it('explains its usage when an option is missing', async () => {
    await expect(cli(['run', '--input', '/tmp'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/run needs --input FILE_OR_DIR and --out FILE.csv/),
    })
  })

  it('reads a PDF given as a file: one row per line with its page, line number on the page and quad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-cli-pdf-'))
    writeFileSync(join(dir, 'report.pdf'), await textPdf([['TOTAL RM 12.50', 'Thank you'], ['Cash change']]))
    const out = join(dir, 'results.csv')
    const { stderr } = await cli(['run', '--input', join(dir, 'report.pdf'), '--out', out, '--db', join(dir, 'library.db')])
    expect(stderr).toMatch(/wrote 3 lines from 2 pages/)
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true })
    expect(rows.map((r) => [r.file, r.page, r.line, r.status])).toEqual([
      ['report.pdf', '1', '1', 'model'],
      ['report.pdf', '1', '2', 'model'],
      ['report.pdf', '2', '1', 'model'],
    ])
    expect(rows.map((r) => r.text.toLowerCase())).toEqual(['total rm 12.50', 'thank you', 'cash change'])
    for (const r of rows) expect(r.quad).toMatch(/^\d+,\d+ \d+,\d+ \d+,\d+ \d+,\d+$/)
  })
})

describe('lector eval', () => {
  it('runs the simulated reviewer on a labelled folder and prints the issue\'s JSON shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-cli-eval-'))
    // The batch's convention is upper case; half the lines are printed in lower case.
    const texts = ['total rm 12.50', 'CASH 20.00', 'change rm 7.50', 'GST 6% 0.71', 'thank you', 'PLEASE COME AGAIN', 'rounding 0.01', 'ITEM QTY PRICE', 'cashier 01', 'TABLE 12']
    await renderLines(join(dir, 'images'), texts.map((text, i) => ({ file: `${i}.png`, text })))
    writeFileSync(join(dir, 'labels.tsv'), texts.map((t, i) => `images/${i}.png\t${t.toUpperCase()}`).join('\n'))
    const { stdout } = await cli(['eval', '--data', dir, '--correct', '0.3', '--select', 'queue', '--json'])
    const report = JSON.parse(stdout) as ContextReport
    expect(report).toMatchObject({ set: expect.any(String), lines: 10, corrected: 3, remaining: 7, selection: 'queue', incrementalMismatches: 0 })
    for (const key of ['baseline', 'inContext'] as const) {
      expect(Object.keys(report[key])).toEqual(expect.arrayContaining(['exact', 'caseInsensitive', 'cer', 'cerCaseInsensitive']))
    }
    expect(report.engine).toMatchObject({ trust: expect.any(Number), correctedLines: 3 })
    expect(report.better + report.worse).toBeLessThanOrEqual(7)
    expect(report.updateMs.p95).toBeGreaterThan(0)
    // Every character of these labels is one the model can write.
    expect(report.newCharacters).toEqual([])
    // Case-insensitively the model reads these rendered lines right; only case is the batch's own.
    expect(report.baseline.cerCaseInsensitive).toBeLessThan(5)
  })
})
