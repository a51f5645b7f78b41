import { stringify } from 'csv-stringify/sync'

// A cell starting with one of these is run as a formula by spreadsheet apps (CSV injection, OWASP);
// a leading apostrophe makes it plain text and is hidden by those apps.
const FORMULA_START = /^[=+\-@\t\r]/

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}

export interface CsvOptions {
  /** Prefix a UTF-8 byte-order mark so spreadsheet apps detect the encoding. */
  bom?: boolean
}

export type Cell = string | number | null

/** RFC 4180 CSV (quotes, commas and newlines escaped by csv-stringify), every text cell neutralized. */
export function toCsv(columns: string[], rows: Cell[][], options: CsvOptions = {}): string {
  return csvChunk(columns, rows, { header: true, bom: options.bom })
}

/**
 * One piece of a CSV written in pieces (a large export): the first piece carries the header and the
 * byte-order mark, the others only their rows, so the pieces concatenate to what toCsv gives.
 */
export function csvChunk(columns: string[], rows: Cell[][], options: { header: boolean; bom?: boolean }): string {
  const cells = rows.map((row) => row.map((v) => (typeof v === 'string' ? neutralizeFormula(v) : (v ?? ''))))
  if (!options.header && cells.length === 0) return ''
  return stringify(cells, {
    header: options.header,
    columns,
    bom: options.header && (options.bom ?? false),
    record_delimiter: '\r\n',
  })
}
