// A crash while a PDF's pages are being found and read: every page is stored once — its lines and its
// "done" mark commit together — and the next start carries on from the first page not done.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BatchSummary, LineRow } from '../../src/shared/api'
import { textPdf } from '../fixtures/documents'
import { lastMarker, runChild } from './child-process'

const PAGES = 6

describe('crash safety of page import', () => {
  it('finds every page of a PDF exactly once across kills while its pages are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-page-crash-'))
    const folder = join(dir, 'docs')
    mkdirSync(folder)
    const pages = Array.from({ length: PAGES }, (_, p) => [`Page ${p + 1} heading`, `TOTAL RM ${p + 1}2.50`])
    writeFileSync(join(folder, 'statement.pdf'), await textPdf(pages))
    writeFileSync(join(dir, 'corrections.json'), '[]')
    const args = ['--library', join(dir, 'library.db'), '--folder', folder, '--corrections', join(dir, 'corrections.json')]

    // Killed right after the first page's lines were read, then again after the next page was.
    let kills = 0
    for (const nth of [1, 1]) {
      const run = await runChild(args, { after: 'progress', nth, delayMs: 0 })
      if (run.killed) kills++
    }
    const last = await runChild(args)
    expect(last.code, last.stderr).toBe(0)
    expect(kills).toBeGreaterThan(0)
    const summary = JSON.parse(lastMarker(last, 'read')!) as BatchSummary
    expect(summary).toMatchObject({ pages: { total: PAGES, done: PAGES }, errorCount: 0, jobId: null })
    const rows = JSON.parse(lastMarker(last, 'lines') ?? '[]') as Array<Pick<LineRow, 'index' | 'text' | 'state'>>
    // The lines as the last start found them may still be coming; the summary counts them all once.
    expect(summary.lineCount).toBe(PAGES * 2)
    expect(summary.doneCount).toBe(PAGES * 2)
    expect(new Set(rows.map((r) => r.index)).size).toBe(rows.length)
  })
})
