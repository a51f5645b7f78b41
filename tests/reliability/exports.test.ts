// Where exports land: a batch export and a pool file are written only at a full path, beside the target
// and then renamed, over an existing file only when the caller says so, never through a symbolic link nor
// onto a folder, a named pipe or a device. A pool file is read only when it is a regular file of bounded
// size, off the main thread, and one that cannot be read is described without quoting its bytes.
import { chmodSync, createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createGzip, gzipSync } from 'node:zlib'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BatchSummary, PoolSummary } from '../../src/shared/api'
import { renderLines } from '../fixtures/render-lines'
import { fifo, hasMkfifo, within } from '../fixtures/special-files'
import { useEngine } from '../fixtures/use-engine'

const t = useEngine({ name: 'exports' })

let batch: BatchSummary
let pool: PoolSummary
let out: string


beforeAll(async () => {
  await renderLines(join(t.dir, 'lines'), ['total 12.40', 'cash 20.00', 'change 7.60'])
  batch = await t.call('batch:openFolder', { path: join(t.dir, 'lines') })
  await t.engine.batches.whenRead(batch.id)
  // A pool of this model with no frames: enough to be written and read as a file.
  const { model } = await t.call('engine:status', {})
  const file = { format: 'lector-pool', version: 2, name: 'Small', modelId: model.id, trust: 0.5, dim: 120, entries: [], features: '', words: ['TOTAL'], lexiconBias: 1 }
  writeFileSync(join(t.dir, 'small.lectorpool'), gzipSync(JSON.stringify(file)))
  pool = await t.call('pool:import', { path: join(t.dir, 'small.lectorpool') })
  out = join(t.dir, 'out')
  mkdirSync(out)
})

const exportTo = (path: string, overwrite?: boolean) => t.engine.dispatch('batch:export', { batchId: batch.id, format: 'csv', path, overwrite })
const poolTo = (path: string, overwrite?: boolean) => t.engine.dispatch('pool:export', { poolId: pool.id, path, overwrite })
/** Temporary files left in the export folder: there must be none. */
const partials = () => readdirSync(out).filter((f) => f.endsWith('.partial'))

describe('exports and pool files', () => {
  it('refuses a relative path instead of writing into the engine’s working directory', async () => {
    for (const answer of [await exportTo('relative.csv'), await poolTo('relative.lectorpool')]) {
      expect(answer).toMatchObject({ ok: false, code: 'bad-input', message: expect.stringContaining('is not a full path') })
    }
    expect(existsSync(join(process.cwd(), 'relative.csv'))).toBe(false)
    expect(existsSync(join(process.cwd(), 'relative.lectorpool'))).toBe(false)
  })

  it('replaces an existing file only when told to, keeping its permissions, and leaves no partial file', async () => {
    for (const [name, write] of [
      ['kept.csv', exportTo],
      ['kept.lectorpool', poolTo],
    ] as const) {
      const path = join(out, name)
      writeFileSync(path, 'precious')
      chmodSync(path, 0o640)
      expect(await write(path)).toMatchObject({ ok: false, code: 'exists', message: `${path} already exists. It is replaced only when you say so.` })
      expect(readFileSync(path, 'utf8')).toBe('precious')
      expect(await write(path, true)).toMatchObject({ ok: true })
      expect(readFileSync(path, 'utf8')).not.toBe('precious')
      expect(statSync(path).mode & 0o777).toBe(0o640)
    }
    expect(readFileSync(join(out, 'kept.csv'), 'utf8')).toMatch(/^file,page,line/)
    expect(await t.call('pool:import', { path: join(out, 'kept.lectorpool') })).toMatchObject({ name: 'Small (2)', words: 1 })
    expect(partials()).toEqual([])
  })

  it('never writes through a symbolic link, even when told to replace the file', async () => {
    const target = join(t.dir, 'elsewhere.txt')
    writeFileSync(target, 'not yours')
    for (const [name, write] of [
      ['link.csv', exportTo],
      ['link.lectorpool', poolTo],
    ] as const) {
      const path = join(out, name)
      symlinkSync(target, path)
      for (const overwrite of [false, true]) {
        expect(await write(path, overwrite)).toMatchObject({ ok: false, code: 'bad-input', message: expect.stringContaining('is a symbolic link') })
      }
      expect(lstatSync(path).isSymbolicLink()).toBe(true)
    }
    expect(readFileSync(target, 'utf8')).toBe('not yours')
    expect(partials()).toEqual([])
  })

  it('refuses a folder, a device and a named pipe as the target, at once and even when told to replace', async () => {
    const folder = join(out, 'folder.csv')
    mkdirSync(folder)
    const targets = [folder, '/dev/null', ...(hasMkfifo ? [fifo(join(out, 'pipe.csv'))] : [])]
    for (const path of targets) {
      for (const answer of [await within(5000, exportTo(path, true)), await within(5000, poolTo(path, true))]) {
        expect(answer).toMatchObject({ ok: false, code: 'bad-input', message: expect.stringMatching(/is a folder|is a device|is a named pipe/) })
      }
    }
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true)
    if (hasMkfifo) expect(lstatSync(join(out, 'pipe.csv')).isFIFO()).toBe(true)
    expect(partials()).toEqual([])
  })

  it.skipIf(!hasMkfifo)('imports no pool from a named pipe or a device, answering at once', async () => {
    const pipe = fifo(join(t.dir, 'pool-pipe'))
    expect(await within(5000, t.engine.dispatch('pool:import', { path: pipe }))).toMatchObject({
      ok: false,
      code: 'bad-input',
      message: `${pipe} is a named pipe (FIFO), not a regular file: Lector opens only regular files.`,
    })
    // /dev/zero never ends: it grew to 6 GB in 20 s when it was read.
    expect(await within(5000, t.engine.dispatch('pool:import', { path: '/dev/zero' }))).toMatchObject({
      ok: false,
      message: '/dev/zero is a device, not a regular file: Lector opens only regular files.',
    })
    expect(await t.call('engine:status', {})).toMatchObject({ host: 'cli' })
  })

  it('describes a file that is not a pool without quoting its bytes', async () => {
    const secret = 'SECRET-TOKEN-1234 do not echo me'
    const plain = join(t.dir, 'plain.lectorpool')
    writeFileSync(plain, secret)
    const zipped = join(t.dir, 'zipped.lectorpool')
    writeFileSync(zipped, gzipSync(secret))
    const json = join(t.dir, 'json.lectorpool')
    writeFileSync(json, gzipSync(JSON.stringify({ format: secret })))
    const answers = await Promise.all([plain, zipped, json].map((path) => t.engine.dispatch('pool:import', { path })))
    expect(answers.map((a) => (a.ok ? 'ok' : a.message))).toEqual([
      `${plain} is not a Lector pool file (it is not gzip-compressed).`,
      `${zipped} is not a Lector pool file (its content is not JSON).`,
      expect.stringMatching(new RegExp(`^${json} is not a Lector pool file \\(format: `)),
    ])
    for (const a of answers) expect(JSON.stringify(a)).not.toContain('SECRET')
  })

  it('refuses a pool file that unpacks to more than 400 MB (a gzip bomb) with its size, not its content', async () => {
    // 420 MB of zeros, gzip'd to ~400 KB, written as a stream.
    const bomb = join(t.dir, 'bomb.lectorpool')
    const zeros = Buffer.alloc(2 ** 20)
    await pipeline(
      Readable.from((function* () {
        for (let i = 0; i < 420; i++) yield zeros
      })()),
      createGzip({ level: 1 }),
      createWriteStream(bomb),
    )
    expect(statSync(bomb).size).toBeLessThan(4 * 2 ** 20)
    expect(await t.engine.dispatch('pool:import', { path: bomb })).toMatchObject({
      ok: false,
      code: 'bad-input',
      message: `${bomb} unpacks to more than 400 MB: too large for a pool file Lector can import.`,
    })
  })
})
