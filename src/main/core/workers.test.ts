import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelTestWorker } from '../../../tests/fixtures/channel-worker'
import { LectorError } from './errors'
import { connectWorker, type WorkerConnection, type WorkerName } from './workers'

const source = new URL('../../../tests/fixtures/channel-worker.ts', import.meta.url)
// No bundled worker has this name, so it starts from its source, as every worker does under tsx.
const connect = (mode: ChannelTestWorker['init']['mode']) =>
  connectWorker<ChannelTestWorker>('channel-test' as WorkerName, source, { mode }, 'test')

describe('the worker channel', () => {
  let worker: WorkerConnection<ChannelTestWorker> | undefined
  afterEach(async () => {
    await worker?.close()
    worker = undefined
  })

  it('answers typed calls once the worker is ready', async () => {
    worker = await connect('concurrent')
    expect(worker.ready).toEqual({ mode: 'concurrent' })
    expect(await worker.call('add', 2, 3)).toBe(5)
  })

  it("fails to connect with the worker's reason when it could not start", async () => {
    await expect(connect('refuse')).rejects.toThrow('no model here')
  })

  it('reports progress, and cancels a running call through its signal', async () => {
    worker = await connect('concurrent')
    const steps: number[] = []
    expect(await worker.callWith({ progress: (done) => steps.push(done) }, 'count', 3, 1)).toBe(3)
    expect(steps).toEqual([1, 2, 3])
    const controller = new AbortController()
    const counting = worker.callWith({ signal: controller.signal, progress: (done) => done === 2 && controller.abort() }, 'count', 1_000, 5)
    await expect(counting).rejects.toMatchObject({ name: 'AbortError', message: 'cancelled' })
  })

  it('fails a call whose signal is already aborted without sending it', async () => {
    worker = await connect('concurrent')
    const controller = new AbortController()
    controller.abort()
    await expect(worker.callWith({ signal: controller.signal }, 'add', 1, 1)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('moves transferred memory both ways instead of copying it', async () => {
    worker = await connect('concurrent')
    const bytes = new Uint8Array([1, 2, 3, 4])
    const reply = await worker.callWith({ transfer: [bytes.buffer] }, 'sum', bytes)
    expect(bytes.byteLength).toBe(0)
    expect(reply.sum).toBe(10)
    expect([...reply.bytes]).toEqual([1, 2, 3, 4])
  })

  it('hands a LectorError back as one, and other errors with their name and code', async () => {
    worker = await connect('concurrent')
    const lector = await worker.call('fail', 'lector').catch((err: unknown) => err)
    expect(lector).toBeInstanceOf(LectorError)
    expect(lector).toMatchObject({ code: 'bad-input', message: 'a bad page' })
    await expect(worker.call('fail', 'coded')).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_X', message: 'out of range' })
  })

  it('hands errors back as their message only when the worker says so', async () => {
    worker = await connect('messageOnly')
    const failure = await worker.call('fail', 'lector').catch((err: unknown) => err)
    expect(failure).not.toBeInstanceOf(LectorError)
    expect(failure).toMatchObject({ name: 'Error', code: undefined, message: 'a bad page' })
  })

  it('runs calls as they arrive, or one at a time in order when serial', async () => {
    worker = await connect('concurrent')
    const concurrent: string[] = []
    await Promise.all([worker.call('wait', 'slow', 60).then((t) => concurrent.push(t)), worker.call('wait', 'fast', 1).then((t) => concurrent.push(t))])
    expect(concurrent).toEqual(['fast', 'slow'])
    await worker.close()
    worker = await connect('serial')
    const serial: string[] = []
    await Promise.all([worker.call('wait', 'slow', 60).then((t) => serial.push(t)), worker.call('wait', 'fast', 1).then((t) => serial.push(t))])
    expect(serial).toEqual(['slow', 'fast'])
  })

  it('fails pending and later calls once the worker has stopped', async () => {
    worker = await connect('concurrent')
    const pending = worker.call('wait', 'never', 10_000)
    await worker.close()
    await expect(pending).rejects.toThrow(/stopped/)
    await expect(worker.call('add', 1, 1)).rejects.toThrow(/stopped/)
  })
})
