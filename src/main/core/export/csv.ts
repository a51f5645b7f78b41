import { stringify } from 'csv-stringify/sync'

// A cell (or a line of a cell) starting with one of these is run as a formula by spreadsheet apps (CSV
// injection, OWASP): = + - @, and a tab or carriage return before them, which some apps strip first. A
// leading apostrophe makes it plain text and is hidden by those apps.
const FORMULA_START = /^[=+\-@\t\r]/
/** A line break inside a cell followed by a formula start: a line-based import starts a row there. */
const FORMULA_AFTER_BREAK = /([\r\n])([=+\-@\t])/g
// A plain number is not a formula, and a spreadsheet must read it as a number: -5.59, +3, -1,234.50, 1e-3,
// -12%, and with a decimal comma -1.234,50 or -5,59. A sign, digits (in groups of three where grouped), one
// decimal separator, an exponent, a percent sign, nothing else: no operator, reference or function can hide
// in that.
const PLAIN_NUMBER = [
  /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?$/,
  /^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)?(?:,\d+)?%?$/,
]

/** True for a cell a spreadsheet reads as a number and nothing else (see PLAIN_NUMBER). */
export function isPlainNumber(value: string): boolean {
  return /\d/.test(value) && PLAIN_NUMBER.some((form) => form.test(value))
}

/**
 * The cell as text a spreadsheet will not run: an apostrophe before a formula start at the start of the cell
 * and after every line break in it. A plain number is left as it is.
 */
export function neutralizeFormula(value: string): string {
  if (isPlainNumber(value)) return value
  const lines = value.replace(FORMULA_AFTER_BREAK, "$1'$2")
  return FORMULA_START.test(lines) ? `'${lines}` : lines
}

export interface CsvOptions {
  /** Prefix a UTF-8 byte-order mark so spreadsheet apps detect the encoding. */
  bom?: boolean
}

export type Cell = string | number | null

/** RFC 4180 CSV (quotes, commas and line breaks escaped), every text cell neutralized. */
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
    // csv-stringify quotes a cell holding the record delimiter (CRLF), not a lone CR or LF: a reader splits
    // the row there (a scan named `evil⏎=2+3` became a row starting with a live formula). Any cell with
    // either is quoted.
    quoted_match: /[\r\n]/,
  })
}
