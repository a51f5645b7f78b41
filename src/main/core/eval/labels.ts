import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LectorError } from '../errors'

export interface LabelledLine {
  path: string
  truth: string
}

/** `DIR/labels.tsv` (or another labels file of DIR): `relative/path<TAB>text` per line, UTF-8, no header. */
export function readLabels(dir: string, name = 'labels.tsv'): LabelledLine[] {
  const file = resolve(dir, name)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new LectorError('not-found', `No ${name} in ${resolve(dir)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}).`)
  }
  const lines: LabelledLine[] = []
  text.split(/\r?\n/).forEach((row, i) => {
    if (!row) return
    const tab = row.indexOf('\t')
    if (tab < 0) throw new LectorError('bad-input', `${file}:${i + 1}: expected "path<TAB>text".`)
    lines.push({ path: join(resolve(dir), row.slice(0, tab)), truth: row.slice(tab + 1) })
  })
  if (!lines.length) throw new LectorError('bad-input', `${file} has no labelled lines.`)
  return lines
}
