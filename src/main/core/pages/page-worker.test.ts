import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encryptedPdf, textPdf } from '../../../../tests/fixtures/documents'
import { LectorError } from '../errors'
import { openPageSource } from './open-page-source'
import { startPageWorker, type PageWorker } from './page-worker'
import { useScratch } from './test-helpers'

describe('the page worker', () => {
  const files = useScratch()
  let worker: PageWorker
  beforeAll(async () => {
    worker = await startPageWorker()
  })
  afterAll(async () => {
    await worker?.close()
  })

  it('renders the same pixels and text as openPageSource in this thread', async () => {
    const path = await files.write('two.pdf', await textPdf([['First page'], ['Second page']], { image: true }))
    const [remote, local] = [await worker.open(path), await openPageSource(path)]
    expect([remote.kind, remote.pageCount]).toEqual(['pdf', 2])
    const [a, b] = [await remote.render(0, { dpi: 100 }), await local.render(0, { dpi: 100 })]
    expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, 3])
    expect(Buffer.isBuffer(a.data) && a.data.equals(b.data)).toBe(true)
    expect(await remote.textLayer!(1)).toBe('Second page')
    await Promise.all([remote.close(), local.close()])
    await expect(remote.render(0)).rejects.toMatchObject({ code: 'bad-input', message: 'This document is closed.' })
  })

  it('hands errors back as the same LectorError', async () => {
    const path = await files.write('secret.pdf', encryptedPdf())
    const failure = await worker.open(path).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(LectorError)
    expect(failure).toMatchObject({ code: 'bad-input', message: `${path}: This PDF is password-protected; Lector cannot open it.` })
  })

  it('renders pages of several documents at once', async () => {
    const paths = await Promise.all([1, 2, 3].map(async (n) => files.write(`doc-${n}.pdf`, await textPdf([[`Document ${n}`]]))))
    const sources = await Promise.all(paths.map((p) => worker.open(p)))
    const pages = await Promise.all(sources.map((s) => s.render(0, { dpi: 50 })))
    expect(pages.map((p) => [p.width, p.height])).toEqual([[413, 584], [413, 584], [413, 584]])
    await Promise.all(sources.map((s) => s.close()))
  })
})
