// CSV injection and broken rows: whatever the cells hold (line breaks alone or in pairs, quotes, control
// characters, a formula start on any line), the exported file parses back to the same rows, with csv-parse
// and with Python's csv module (itself when python3 is installed, and its reading rules written out below),
// and no parsed cell, nor any line of one, starts a formula unless it is a plain number.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { createExporter, EXPORT_COLUMNS } from '../../src/main/core/export/batch-export'
import { csvChunk, neutralizeFormula, type Cell } from '../../src/main/core/export/csv'
import { createEventBus } from '../../src/main/core/event-bus'
import { createLineIndex } from '../../src/main/core/review/listing'
import { openLibrary } from '../../src/main/core/store/db'
import { insertSyntheticBatch, seeded } from '../fixtures/synthetic-batch'

const ROWS = 12_000
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * What this test takes for a plain number, independently of csv.ts: a sign, digits with separators, an
 * exponent or a percent sign, and nothing else, that JavaScript reads as a finite number once the grouping
 * is taken out (1,234.50 or 1.234,50).
 */
function plainNumber(cell: string): boolean {
  if (!/^[+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?%?$/.test(cell)) return false
  const bare = cell.replace(/%$/, '')
  return Number.isFinite(Number(bare.replace(/,/g, ''))) || Number.isFinite(Number(bare.replace(/\./g, '').replace(',', '.')))
}

/** Cells that break naive writers: formula starts after every kind of line break, quotes, controls, numbers. */
function randomCell(random: () => number): Cell {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]
  if (random() < 0.08) return pick([-5.59, 0, 12.5, -1e-7, 42])
  if (random() < 0.1) return pick(['-5.59', '+3', '-1,234.50', '1e-3', '-12%', '.5', '007'])
  const parts = ['=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '\n\r', '"', '""', ',', ';', ' ', "'", '\u0000', '\u001b', '\u0085', '\u2028']
  const words = ['SUM(1+1)', '2+3', 'cmd|\' /C calc\'!A0', 'HYPERLINK("http://x")', 'total 12.40', 'é', '👩‍👩‍👧', 'ｘ', '5.59', 'a']
  let cell = ''
  const n = Math.floor(random() * 6)
  for (let i = 0; i < n; i++) cell += random() < 0.6 ? pick(parts) : pick(words)
  return random() < 0.05 ? null : cell
}

/** What a cell should read as once exported: a number as JavaScript writes it, text neutralized. */
const expected = (cell: Cell) => (typeof cell === 'number' ? String(cell) : cell === null ? '' : neutralizeFormula(cell))

/**
 * Python's csv.reader, default dialect (excel), on a file opened with newline='': a quote starts a quoted
 * field only at the start of a field; in it, "" is a quote and everything else, line breaks included, is
 * kept; outside quotes, CR, LF or CRLF ends the row.
 */
function pythonCsvSemantics(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let atStart = true
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && atStart) {
      quoted = true
      atStart = false
    } else if (c === ',') {
      row.push(field)
      field = ''
      atStart = true
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      atStart = true
    } else {
      field += c
      atStart = false
    }
  }
  if (field || row.length) rows.push([...row, field])
  return rows
}

const hasPython = spawnSync('python3', ['-c', 'import csv, json'], { stdio: 'ignore' }).status === 0

function pythonCsv(path: string): string[][] {
  const script = 'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f:\n  json.dump(list(csv.reader(f)), sys.stdout)'
  const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 30 })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as string[][]
}

/** No cell, nor any line of one, starts a formula unless it is a plain number. */
function expectNoFormula(rows: string[][]) {
  for (const row of rows) {
    for (const cell of row) {
      if (FORMULA_START.test(cell)) expect(plainNumber(cell), `cell ${JSON.stringify(cell)}`).toBe(true)
      for (const line of cell.split(/\r\n|\r|\n/).slice(1)) expect(FORMULA_START.test(line) && !plainNumber(line), `a line of ${JSON.stringify(cell)}`).toBe(false)
    }
  }
}

describe('CSV export', () => {
  it(`parses back ${ROWS.toLocaleString()} generated rows cell for cell, with no formula start outside plain numbers`, () => {
    const random = seeded(20_240_811)
    const columns = EXPORT_COLUMNS
    const rows = Array.from({ length: ROWS }, () => columns.map(() => randomCell(random)))
    // Written in pieces, as an export is, with a byte-order mark.
    let text = ''
    for (let i = 0; i < rows.length; i += 200) text += csvChunk(columns, rows.slice(i, i + 200), { header: i === 0, bom: true })
    const want = [columns, ...rows.map((r) => r.map(expected))]
    expect(want.flat().filter((c) => FORMULA_START.test(c)).length, 'the generated rows hold formula starts').toBeGreaterThan(1000)

    const byCsvParse: string[][] = parse(text, { bom: true, relax_column_count: false })
    expect(byCsvParse).toEqual(want)
    expectNoFormula(byCsvParse)

    const byRules = pythonCsvSemantics(text.replace(/^\uFEFF/, ''))
    expect(byRules).toEqual(want)

    // A line-based reader (one row per physical line) meets no formula either.
    const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
    for (const line of physical) {
      const first = line.split(',')[0]
      if (FORMULA_START.test(line)) expect(plainNumber(first), `line ${JSON.stringify(line.slice(0, 80))}`).toBe(true)
    }
  })

  it.skipIf(!hasPython)('reads the same rows with Python’s own csv module', () => {
    const random = seeded(7)
    // NUL aside: Python before 3.11 refuses it ("line contains NUL"); the rules above read it.
    const rows = Array.from({ length: ROWS }, () => EXPORT_COLUMNS.map(() => randomCell(random)).map((c) => (typeof c === 'string' ? c.replaceAll('\0', '\u0001') : c)))
    const dir = mkdtempSync(join(tmpdir(), 'lector-csv-'))
    const path = join(dir, 'rows.csv')
    writeFileSync(path, csvChunk(EXPORT_COLUMNS, rows, { header: true, bom: true }))
    const read = pythonCsv(path)
    expect(read).toEqual([EXPORT_COLUMNS, ...rows.map((r) => r.map(expected))])
    expectNoFormula(read)
  })
  if (!hasPython) it.skip('reads the same rows with Python’s own csv module (skipped: python3 is not installed; its reading rules are checked above)', () => {})

  it('keeps plain numbers numbers and neutralizes what a spreadsheet would run, on every line of a cell', () => {
    const numbers = ['-5.59', '+3', '-1,234.50', '-1.234,50', '-5,59', '12%', '-1e5', '-.5']
    expect(numbers.map(neutralizeFormula)).toEqual(numbers)
    expect(neutralizeFormula('-2+3')).toBe("'-2+3")
    expect(neutralizeFormula('+5.595.59')).toBe("'+5.595.59")
    expect(neutralizeFormula('-')).toBe("'-")
    expect(neutralizeFormula('-1e5+cmd')).toBe("'-1e5+cmd")
    expect(neutralizeFormula('-5.59 cash')).toBe("'-5.59 cash")
    expect(neutralizeFormula('evil\n=2+3')).toBe("evil\n'=2+3")
    expect(neutralizeFormula('\r@SUM(4+5)')).toBe("'\r'@SUM(4+5)")
    expect(neutralizeFormula('\n=1+1')).toBe("\n'=1+1")
    expect(neutralizeFormula('a\r\n-cmd')).toBe("a\r\n'-cmd")
  })

  it('exports a file name with a line break, and corrections starting lines with formulas, as one safe row each', async () => {
    const db = openLibrary(':memory:')
    const events = createEventBus()
    const { batchId, ids } = insertSyntheticBatch(db, 'b', [
      { text: 'x', confidence: 0.9 },
      { text: 'y', confidence: 0.9 },
      { text: '=1+1', confidence: 0.9 },
      { text: '-5.59', confidence: 0.9 },
    ])
    const setPath = db.prepare('UPDATE lines SET source_path = ? WHERE id = ?')
    setPath.run('/scans/evil\n=2+3', ids[0])
    setPath.run('/scans/\r@SUM(4+5)', ids[1])
    const correct = db.prepare("INSERT INTO corrections (line_id, text, kind) VALUES (?, ?, 'typed')")
    correct.run(ids[0], '\n=1+1')
    correct.run(ids[1], '\r=1+1')
    const index = createLineIndex({ db, events, contextOf: () => undefined })
    const dir = mkdtempSync(join(tmpdir(), 'lector-csv-'))
    const path = join(dir, 'out.csv')
    await createExporter({ index, events, exists: () => undefined }).toFile({ batchId, format: 'csv', path, bom: false })
    const text = readFileSync(path, 'utf8')
    const rows = parse<Record<string, string>>(text, { columns: true })
    expect(rows.map((r) => [r.text, r.model_text])).toEqual([
      ["\n'=1+1", 'x'],
      ["'\r'=1+1", 'y'],
      ["'=1+1", "'=1+1"],
      ['-5.59', '-5.59'],
    ])
    expect(rows.slice(0, 2).map((r) => r.file)).toEqual(["evil\n'=2+3", "'\r'@SUM(4+5)"])
    expect(pythonCsvSemantics(text)).toHaveLength(5)
    expect(text.split(/\r\n|\r|\n/).filter((l) => FORMULA_START.test(l))).toEqual([])
    index.close()
    db.close()
  })
})
