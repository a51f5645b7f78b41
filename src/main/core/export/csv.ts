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

/** RFC 4180 CSV (quotes, commas and newlines escaped by csv-stringify), every text cell neutralized. */
export function toCsv(columns: string[], rows: Array<Array<string | number | null>>, options: CsvOptions = {}): string {
  const cells = rows.map((row) => row.map((v) => (typeof v === 'string' ? neutralizeFormula(v) : (v ?? ''))))
  return stringify(cells, { header: true, columns, bom: options.bom ?? false, record_delimiter: '\r\n' })
}
