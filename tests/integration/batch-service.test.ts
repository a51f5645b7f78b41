import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SUB_FOLDER } from '../../src/shared/api'
import type { EventPayload } from '../../src/shared/events'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

// Each test opens folders of its own (a restart reopens the same library, with the others' batches in it).
const t = useEngine({ name: 'batch' })
const { call } = t
const dir = () => t.dir

describe('batches through the engine contract', () => {
  it('opens a folder, reports progress, and pages through the recognized lines in file order', async () => {
    const texts = ['Hello world', 'TOTAL RM 12.50', 'GST 6% 0.71']
    await renderLines(join(dir(), 'a'), texts.map((text, i) => ({ file: `${i + 1}.png`, text })))
    writeFileSync(join(dir(), 'a', '10.png'), Buffer.alloc(0))
    const progress: EventPayload<'job:progressed'>[] = []
    const off = t.engine.events.on('job:progressed', (p) => progress.push(p))
    const batch = await call('batch:openFolder', { path: join(dir(), 'a') })
    expect(batch).toMatchObject({ name: 'a', lineCount: 4, jobId: expect.any(String) })
    await t.engine.batches.whenRead(batch.id)
    off()
    expect(progress.at(-1)).toMatchObject({ state: 'finished', done: 4, total: 4, batchId: batch.id })

    const page = await call('batch:lines', { batchId: batch.id, offset: 0, limit: 2 })
    expect(page.total).toBe(4)
    expect(page.rows.map((r) => [r.file, r.text, r.state])).toEqual([
      ['1.png', 'Hello world', 'read'],
      ['2.png', 'TOTAL RM 12.50', 'read'],
    ])
    const rest = await call('batch:lines', { batchId: batch.id, offset: 2, limit: 10 })
    expect(rest.rows.map((r) => r.file)).toEqual(['3.png', '10.png'])
    expect(rest.rows[1]).toMatchObject({ state: 'failed', error: 'empty file (0 bytes)' })

    const summary = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(summary).toMatchObject({ lineCount: 4, doneCount: 4, errorCount: 1, jobId: null })

    const crop = await call('line:crop', { lineId: page.rows[0].id })
    expect(crop.dataUrl).toMatch(/^data:image\/png;base64,iVBOR/)
  })

  it('opens the batch a folder is already, offers the files added since and reads only those', async () => {
    const folder = join(dir(), 'again')
    await renderLines(folder, [{ file: '1.png', text: 'TOTAL RM 12.50' }])
    const first = await call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(first.id)
    await t.applied('review:correct', { lineId: (await call('batch:lines', { batchId: first.id })).rows[0].id, text: 'TOTAL RM 12.50' })
    // An export saved among the scans, and a new scan.
    writeFileSync(join(folder, 'again-review.csv'), 'file,text\n')
    await renderLines(folder, [{ file: '2.png', text: 'CASH 20.00' }])
    const again = await call('batch:openPaths', { paths: [folder] })
    expect(again).toMatchObject({ id: first.id, reopened: true, newFiles: ['2.png'], lineCount: 1, skippedFiles: [] })
    expect((await call('batch:list', {})).filter((b) => b.source === folder)).toHaveLength(1)
    const read = await call('batch:readNew', { batchId: first.id })
    expect(read.lineCount).toBe(2)
    await t.engine.batches.whenRead(first.id)
    const { rows } = await call('batch:lines', { batchId: first.id })
    expect(rows.map((r) => [r.file, r.text, r.source])).toEqual([
      ['1.png', 'TOTAL RM 12.50', 'human'],
      ['2.png', 'CASH 20.00', 'model'],
    ])
    expect((await call('batch:openFolder', { path: folder })).newFiles).toEqual([])
    // Asked for, a new batch of the same folder all the same.
    expect((await call('batch:openFolder', { path: folder, fresh: true })).id).not.toBe(first.id)
  })

  it("proposes the batch's scripts from its first readings and reads every line again in the ones chosen", async () => {
    const folder = join(dir(), 'scripts')
    const texts = ['TOTAL RM 12.50', 'CASH 20.00', 'CHANGE 7.50']
    await renderLines(folder, texts.map((text, i) => ({ file: `${i + 1}.png`, text })))
    const batch = await call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    expect(await call('batch:scripts', { batchId: batch.id })).toMatchObject({ scripts: ['latin'], chosen: false })
    const read = async () => (await call('batch:lines', { batchId: batch.id })).rows.map((r) => r.text)
    expect(await read()).toEqual(texts)
    // A correction in another script adds it to scripts the reviewer has not chosen.
    const rows = (await call('batch:lines', { batchId: batch.id })).rows
    await call('review:correct', { lineId: rows[0].id, text: '合计 RM 12.50' })
    await expect.poll(async () => (await call('batch:scripts', { batchId: batch.id })).scripts).toEqual(['latin', 'cjk'])
    await call('review:undo', { batchId: batch.id })
    // Chosen: CJK only. The Latin letters are no candidates any more; the digits and punctuation stay.
    expect(await call('batch:setScripts', { batchId: batch.id, scripts: ['cjk'] })).toMatchObject({ scripts: ['cjk'], chosen: true })
    const cjk = await read()
    expect(cjk.every((text, i) => !/[A-Z]/.test(text) && text.includes(texts[i].replace(/[^\d.]/g, '').slice(0, 2)))).toBe(true)
    await call('batch:setScripts', { batchId: batch.id, scripts: ['latin'] })
    expect(await read()).toEqual(texts)
    // Not to scripts the reviewer chose.
    await call('review:correct', { lineId: rows[1].id, text: 'Сдача 7.50' })
    await t.engine.review.settled(batch.id)
    expect((await call('batch:scripts', { batchId: batch.id })).scripts).toEqual(['latin'])
    // A copy of its lines (the evaluation's replays) keeps the scripts its readings were decoded in.
    const copy = t.engine.batches.copyLines('copy', rows.map((r) => r.id))
    expect(await call('batch:scripts', { batchId: copy.id })).toMatchObject({ scripts: ['latin'], chosen: true })
  })

  it('cancels a running job and keeps what was read', async () => {
    await renderLines(join(dir(), 'many'), Array.from({ length: 200 }, (_, i) => `line number ${i}`))
    const batch = await call('batch:openFolder', { path: join(dir(), 'many') })
    expect(await call('job:cancel', { jobId: batch.jobId! })).toEqual({ cancelled: true })
    await t.engine.batches.whenRead(batch.id)
    const summary = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(summary.doneCount).toBeLessThan(200)
    expect(summary.jobId).toBeNull()
    expect(await call('job:cancel', { jobId: batch.jobId! })).toEqual({ cancelled: false })

    // A cancel stays a cancel when the library is opened again; resume reads the rest.
    await t.restart()
    const reopened = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(reopened).toMatchObject({ doneCount: summary.doneCount, jobId: null })
    const resumed = await call('batch:resume', { batchId: batch.id })
    expect(resumed.jobId).toEqual(expect.any(String))
    await t.engine.batches.whenRead(batch.id)
    expect((await call('batch:list', {})).find((b) => b.id === batch.id)).toMatchObject({ doneCount: 200, errorCount: 0 })
  })

  it('carries on reading a batch cut short by a quit when the library is opened again', async () => {
    await renderLines(join(dir(), 'quit'), Array.from({ length: 150 }, (_, i) => `quit line ${i}`))
    const batch = await call('batch:openFolder', { path: join(dir(), 'quit') })
    // Closing the engine stops the job the way quitting the app does (not a cancel).
    await t.restart()
    const reopened = (await call('batch:list', {})).find((b) => b.id === batch.id)!
    expect(reopened.doneCount).toBeLessThan(150)
    expect(reopened.jobId).toEqual(expect.any(String))
    await t.engine.batches.whenRead(batch.id)
    const rows = (await call('batch:lines', { batchId: batch.id, offset: 0, limit: 200 })).rows
    expect(rows.filter((r) => r.state === 'read').length).toBe(150)
    expect(rows[149].text).toBe('quit line 149')
  })

  it('writes a big batch a slice of lines at a time, and drops one whose opening a crash cut short', async () => {
    // More lines than one insert takes (5,000), none of them read: the job is cancelled at once.
    const paths = Array.from({ length: 12_001 }, (_, i) => join(dir(), 'big', `l${i}.png`))
    const batch = await t.engine.batches.openFiles('big', join(dir(), 'big'), paths)
    await call('job:cancel', { jobId: batch.jobId! })
    await t.engine.batches.whenRead(batch.id)
    expect(batch.lineCount).toBe(12_001)
    const tail = await call('batch:lines', { batchId: batch.id, offset: 4_999, limit: 3 })
    expect(tail.rows.map((r) => [r.index, r.file])).toEqual([[4_999, 'l4999.png'], [5_000, 'l5000.png'], [5_001, 'l5001.png']])
    expect((await call('batch:lines', { batchId: batch.id, offset: 12_000, limit: 3 })).rows.map((r) => r.file)).toEqual(['l12000.png'])

    // What a kill between two of those inserts leaves: a batch not yet marked opened, with some lines.
    await t.engine.close()
    const library = new Database(join(dir(), 'library.db'))
    const cut = Number(library.prepare("INSERT INTO batches (name, source, opened) VALUES ('cut short', 'x', 0)").run().lastInsertRowid)
    library.prepare("INSERT INTO lines (batch_id, idx, source_path) VALUES (?, 0, 'a.png'), (?, 1, 'b.png')").run(cut, cut)
    library.close()
    await t.restart()
    expect((await call('batch:list', {})).map((b) => b.id)).not.toContain(cut)
    expect((await t.engine.dispatch('batch:lines', { batchId: cut })).ok).toBe(false)
    const check = new Database(join(dir(), 'library.db'), { readonly: true })
    expect(check.prepare('SELECT count(*) FROM lines WHERE batch_id = ?').pluck().get(cut)).toBe(0)
    check.close()
  })

  it('names the sub-folders it leaves out of a batch, and says so when a folder holds nothing else', async () => {
    const parent = join(dir(), 'by-receipt')
    await renderLines(join(parent, 'receipt-1'), ['TOTAL 12.50'])
    await renderLines(join(parent, 'receipt-2'), ['CASH 20.00'])
    expect(await t.engine.dispatch('batch:openFolder', { path: parent })).toMatchObject({
      ok: false,
      code: 'bad-input',
      message: expect.stringContaining(`(found only receipt-1: ${SUB_FOLDER}, receipt-2: ${SUB_FOLDER})`),
    })
    await renderLines(parent, ['GST 0.71'])
    const batch = await call('batch:openFolder', { path: parent })
    expect(batch.lineCount).toBe(1)
    expect(batch.skipped).toEqual([
      { name: 'receipt-1', reason: SUB_FOLDER },
      { name: 'receipt-2', reason: SUB_FOLDER },
    ])
  })

  it('refuses a folder without images, and a path that is a file, with clear messages', async () => {
    writeFileSync(join(dir(), 'notes.txt'), 'x')
    expect(await t.engine.dispatch('batch:openFolder', { path: join(dir(), 'notes.txt') })).toMatchObject({
      ok: false,
      code: 'bad-input',
      message: expect.stringMatching(/^Not a folder/),
    })
    await renderLines(join(dir(), 'empty-dir'), [])
    expect(await t.engine.dispatch('batch:openFolder', { path: join(dir(), 'empty-dir') })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^No line images, page scans or PDFs in/),
    })
    expect(await t.engine.dispatch('batch:lines', { batchId: 9999 })).toMatchObject({ ok: false, code: 'not-found' })
  })
})
