import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LineRow } from '../../src/shared/api'
import type { Engine } from '../../src/main/core/engine'
import { call, openEngine } from '../fixtures/engine'
import { renderLines } from '../fixtures/render-lines'
import { useEngine } from '../fixtures/use-engine'

// German print with the long s, the sharp s and ö, none of which the model can write (ppocr_keys_v1 has
// none of them): it reads ſ as f or l, ß as B or ss, ö as o. The reviewer writes what is printed.
const words = ['ſind', 'groß', 'ſchön', 'Haus', 'iſt', 'Straße', 'böſe', 'daß', 'Größe', 'ſehr', 'Maße', 'Löſung']
const line = (i: number) => `${words[i % words.length]} ${words[(i * 5 + 1) % words.length]} ${words[(i * 7 + 4) % words.length]}`
const NEW = /[ſßö]/u

const t = useEngine({ name: 'new-characters' })

// Every test opens batches of its own from these folders.
const taught = Array.from({ length: 40 }, (_, i) => line(i))
const second = Array.from({ length: 24 }, (_, i) => line(i + 100))
beforeAll(async () => {
  await renderLines(join(t.dir, 'taught'), taught.map((text, i) => ({ file: `line-${String(i).padStart(3, '0')}.png`, text, font: 'serif' as const })))
  await renderLines(join(t.dir, 'second'), second.map((text, i) => ({ file: `line-${String(i).padStart(3, '0')}.png`, text, font: 'serif' as const })))
  await renderLines(join(t.dir, 'short'), [{ file: 'line-000.png', text: 'ß', font: 'serif' }, ...taught.slice(0, 8).map((text, i) => ({ file: `line-${String(i + 1).padStart(3, '0')}.png`, text, font: 'serif' as const }))])
})

// Each test opens the folder as a batch of its own: a folder opened again is otherwise the batch it already is.
async function open(e: Engine, name: string) {
  const batch = await call(e, 'batch:openFolder', { path: join(t.dir, name), fresh: true })
  await e.batches.whenRead(batch.id)
  return batch.id
}

const rows = async (e: Engine, batchId: number): Promise<LineRow[]> => (await call(e, 'batch:lines', { batchId, limit: 500, order: 'document' })).rows

/** Of the new characters in `truth`, the share the rows read at the same place (texts compared whole, word by word). */
function newCharRecall(now: LineRow[], truth: string[]): number {
  let found = 0
  let all = 0
  now.forEach((l, i) => {
    const want = truth[i].split(' ')
    const got = l.text.split(' ')
    want.forEach((w, j) => {
      for (const [k, ch] of [...w].entries()) {
        if (!NEW.test(ch)) continue
        all++
        if ([...(got[j] ?? '')][k] === ch) found++
      }
    })
  })
  return found / Math.max(1, all)
}

/** The `taught` batch with its first 12 lines corrected as printed, one at a time. */
async function taughtBatch() {
  const batchId = await open(t.engine, 'taught')
  const lines = await rows(t.engine, batchId)
  for (let i = 0; i < 12; i++) await t.applied('review:correct', { lineId: lines[i].id, text: taught[i] })
  return { batchId, lines }
}

describe('new characters', () => {
  it('are read wrong by the model alone', async () => {
    const batchId = await open(t.engine, 'taught')
    const now = await rows(t.engine, batchId)
    expect(now.some((l) => NEW.test(l.text))).toBe(false)
  })

  it('are learnt from the corrections, and read in unseen lines', async () => {
    const { batchId } = await taughtBatch()
    const rest = (await rows(t.engine, batchId)).slice(12)
    expect(newCharRecall(rest, taught.slice(12))).toBeGreaterThanOrEqual(0.8)
    const exact = rest.filter((l, i) => l.text === taught[12 + i]).length
    expect(exact / rest.length).toBeGreaterThanOrEqual(0.6)
  })

  it('never appear in a batch whose corrections hold none', async () => {
    const batchId = await open(t.engine, 'taught')
    const lines = await rows(t.engine, batchId)
    // The reviewer modernises: ſ as s, ß as ss, ö as oe.
    const modern = (s: string) => s.replace(/ſ/g, 's').replace(/ß/g, 'ss').replace(/ö/g, 'oe')
    for (let i = 0; i < 12; i++) await t.applied('review:correct', { lineId: lines[i].id, text: modern(taught[i]) })
    const now = await rows(t.engine, batchId)
    expect(now.filter((l) => NEW.test(l.text))).toEqual([])
    expect(now.slice(12).some((l) => l.source === 'context')).toBe(true)
  })

  it('read the same whether a correction was typed composed (NFC) or decomposed (NFD)', async () => {
    const read = async (form: 'NFC' | 'NFD') => {
      const batchId = await open(t.engine, 'taught')
      const lines = await rows(t.engine, batchId)
      for (let i = 0; i < 12; i++) await t.applied('review:correct', { lineId: lines[i].id, text: taught[i].normalize(form) })
      return (await rows(t.engine, batchId)).slice(12).map((l) => l.text)
    }
    const nfc = await read('NFC')
    expect(nfc.join('\n').normalize('NFD')).not.toBe(nfc.join('\n'))
    expect(await read('NFD')).toEqual(nfc)
  })

  it('keep a correction of a single new character on a very short line, without harm to the batch', async () => {
    const batchId = await open(t.engine, 'short')
    const lines = await rows(t.engine, batchId)
    await t.applied('review:correct', { lineId: lines[0].id, text: 'ß' })
    for (let i = 1; i < 5; i++) await t.applied('review:correct', { lineId: lines[i].id, text: taught[i - 1] })
    const now = await rows(t.engine, batchId)
    expect(now[0]).toMatchObject({ text: 'ß', source: 'human' })
    expect(now.slice(5).map((l) => l.text).every((s) => s.length > 0)).toBe(true)
  })

  it('round-trip through a CSV export', async () => {
    const { batchId } = await taughtBatch()
    const path = join(t.dir, 'taught.csv')
    await t.call('batch:export', { batchId, format: 'csv', path, bom: false, overwrite: true })
    const exported = parse<Record<string, string>>(readFileSync(path, 'utf8'), { columns: true })
    const shown = await rows(t.engine, batchId)
    expect(exported.map((r) => r.text)).toEqual(shown.map((l) => l.text))
    expect(exported.slice(0, 12).map((r) => r.text)).toEqual(taught.slice(0, 12))
  })

  it('travel with a named pool, through its file, to a batch in another library', async () => {
    const { batchId } = await taughtBatch()
    const saved = await t.call('pool:save', { batchId, name: 'Fraktur' })
    const file = join(t.dir, 'fraktur.lectorpool')
    await t.call('pool:export', { poolId: saved.id, path: file })
    const other = await openEngine(join(t.dir, 'other.db'))
    try {
      const imported = await call(other, 'pool:import', { path: file })
      const second2 = await open(other, 'second')
      expect((await rows(other, second2)).some((l) => NEW.test(l.text))).toBe(false)
      await call(other, 'pool:use', { batchId: second2, poolId: imported.id })
      expect(newCharRecall(await rows(other, second2), second)).toBeGreaterThanOrEqual(0.8)
    } finally {
      await other.close()
    }
  })
})
