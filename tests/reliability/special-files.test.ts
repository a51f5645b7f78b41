// Special files in what the reviewer opens: named pipes (whose open waits for a writer forever: five of them
// froze the engine's I/O threads), a socket, devices, symbolic links in a folder. Only regular files and
// folders are opened; the rest are listed as skipped with the reason, at once, and the engine answers on.
import { mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { renderLines } from '../fixtures/render-lines'
import { fifo, hasMkfifo, within } from '../fixtures/special-files'
import { useEngine } from '../fixtures/use-engine'

const t = useEngine({ name: 'special-files' })
const posix = process.platform !== 'win32'
const servers: Server[] = []
afterAll(() => servers.forEach((s) => s.close()))


async function socketAt(path: string): Promise<void> {
  const server = createServer()
  servers.push(server)
  await new Promise<void>((done) => server.listen(path, done))
}

describe('special files', () => {
  it.skipIf(!hasMkfifo)('opens a folder with named pipes, a socket and links in it at once, listing each as skipped with its reason', async () => {
    const folder = join(t.dir, 'mixed')
    const [good] = await renderLines(folder, ['TOTAL 12.50', 'CASH 20.00'])
    for (let i = 0; i < 6; i++) fifo(join(folder, `pipe-${i}.png`))
    await socketAt(join(folder, 'socket.png'))
    symlinkSync('/dev/zero', join(folder, 'zero.png'))
    symlinkSync(good, join(folder, 'copy.png'))
    mkdirSync(join(t.dir, 'elsewhere'))
    symlinkSync(join(t.dir, 'elsewhere'), join(folder, 'folder-link'))
    const batch = await within(10_000, t.call('batch:openFolder', { path: folder }))
    expect(batch.lineCount).toBe(2)
    const link = 'a symbolic link (links in a folder are not followed)'
    expect(new Map(batch.skipped.map((s) => [s.name, s.reason]))).toEqual(
      new Map([
        ...Array.from({ length: 6 }, (_, i) => [`pipe-${i}.png`, 'a named pipe (FIFO), not a regular file'] as const),
        ['socket.png', 'a socket, not a regular file'],
        ['zero.png', link],
        ['copy.png', link],
        ['folder-link', link],
      ]),
    )
    expect(batch.skippedFiles).toEqual(batch.skipped.map((s) => s.name))
    // The I/O threads are free: a crop, the status and another folder answer at once.
    await t.engine.batches.whenRead(batch.id)
    const [row] = (await t.call('batch:lines', { batchId: batch.id })).rows
    await within(5000, t.call('line:crop', { lineId: row.id }))
    await within(5000, t.call('engine:status', {}))
    const again = await within(10_000, t.call('batch:openFolder', { path: folder }))
    expect(again.skipped).toEqual(batch.skipped)
  })

  it.skipIf(!hasMkfifo)('skips a named pipe or a device given by path with its reason, and refuses a selection of nothing else', async () => {
    const folder = join(t.dir, 'given')
    const [good] = await renderLines(folder, ['GST 0.71'])
    const pipe = fifo(join(t.dir, 'given-pipe.png'))
    const batch = await within(10_000, t.call('batch:openPaths', { paths: [good, pipe, '/dev/null'] }))
    expect(batch.lineCount).toBe(1)
    expect(batch.skipped).toEqual([
      { name: 'given-pipe.png', reason: 'a named pipe (FIFO), not a regular file' },
      { name: 'null', reason: 'a device, not a regular file' },
    ])
    expect(await within(5000, t.engine.dispatch('batch:openPaths', { paths: [pipe, '/dev/zero'] }))).toMatchObject({
      ok: false,
      code: 'bad-input',
      message: expect.stringContaining('(found only given-pipe.png: a named pipe (FIFO), not a regular file, zero: a device, not a regular file)'),
    })
  })

  it.skipIf(!hasMkfifo)('answers a crop, and reads no line, whose image was replaced by a named pipe after the batch was opened', async () => {
    const folder = join(t.dir, 'replaced')
    const [first, second] = await renderLines(folder, ['TOTAL 12.50', 'CASH 20.00'])
    const batch = await t.call('batch:openFolder', { path: folder })
    await t.engine.batches.whenRead(batch.id)
    const rows = (await t.call('batch:lines', { batchId: batch.id })).rows
    renameSync(first, `${first}.moved`)
    fifo(first)
    expect(await within(5000, t.engine.dispatch('line:crop', { lineId: rows[0].id }))).toMatchObject({
      ok: false,
      code: 'unreadable',
      message: `Cannot show the image of line ${rows[0].id}: ${first} is a named pipe (FIFO), not a regular file: Lector opens only regular files.`,
    })
    // A new batch of the same files (a pipe now in the first place) reads the good line and skips the pipe.
    unlinkSync(second)
    renameSync(`${first}.moved`, second)
    const next = await within(10_000, t.call('batch:openPaths', { paths: [first, second] }))
    await within(20_000, t.engine.batches.whenRead(next.id))
    expect(next.skipped.map((s) => s.name)).toEqual(['line-000.png'])
    expect((await t.call('batch:lines', { batchId: next.id })).rows.map((r) => r.state)).toEqual(['read'])
  })

  it.skipIf(!posix)('opens a page document only when it is a regular file, in the page worker too', async () => {
    const { openPageSource } = await import('../../src/main/core/pages/open-page-source')
    await expect(within(5000, openPageSource('/dev/zero'))).rejects.toMatchObject({ code: 'bad-input', message: '/dev/zero is a device, not a regular file: Lector opens only regular files.' })
    if (hasMkfifo) {
      const pipe = fifo(join(t.dir, 'page-pipe.pdf'))
      await expect(within(5000, openPageSource(pipe))).rejects.toMatchObject({ message: expect.stringContaining('is a named pipe (FIFO)') })
    }
  })
})
