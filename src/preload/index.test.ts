import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { PreloadApi } from '../shared/preload-api'

// A stand-in for the two Electron objects the preload touches; the real `electron` module is never loaded.
const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>()
  const ipcListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
  const invoke = vi.fn(async (channel: string, ...args: unknown[]): Promise<unknown> => ({ ok: true, value: { channel, args } }))
  return {
    exposed,
    ipcListeners,
    invoke,
    electron: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
      webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
      ipcRenderer: {
        invoke,
        on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => void ipcListeners.set(channel, listener),
      },
    },
  }
})
vi.mock('electron', () => fake.electron)

let lector: PreloadApi
const push = (name: string, payload: unknown) => fake.ipcListeners.get('lector:event')?.({ sender: 'ipcRenderer' }, name, payload)

beforeAll(async () => {
  await import('./index')
  lector = fake.exposed.get('lector') as PreloadApi
})

describe('window.lector', () => {
  it('exposes only functions: call, on, pickFolder, pickSaveFile and pathsForFiles', () => {
    expect([...fake.exposed.keys()]).toEqual(['lector'])
    expect(Object.keys(lector).sort()).toEqual(['call', 'on', 'pathsForFiles', 'pickFolder', 'pickSaveFile'])
    for (const value of Object.values(lector)) expect(typeof value).toBe('function')
  })

  it('sends a contract call on its own prefixed channel', async () => {
    const result = await lector.call('job:cancel', { jobId: 'j1' })
    expect(fake.invoke).toHaveBeenLastCalledWith('lector:job:cancel', { jobId: 'j1' })
    expect(result.ok).toBe(true)
  })

  it('refuses a name outside the contract without touching IPC', async () => {
    fake.invoke.mockClear()
    const call = lector.call as (name: string, input: unknown) => Promise<unknown>
    await expect(call('shell:openExternal', {})).resolves.toMatchObject({ ok: false, code: 'unknown-request' })
    await expect(call('toString', {})).resolves.toMatchObject({ ok: false, code: 'unknown-request' })
    expect(fake.invoke).not.toHaveBeenCalled()
  })

  it('turns a refused or broken IPC call into an error result instead of a rejection', async () => {
    fake.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'lector:batch:list': refused"))
    await expect(lector.call('batch:list', {})).resolves.toMatchObject({ ok: false, code: 'internal' })
  })

  it('delivers pushed events to the listeners of that event only, without the IPC event object', () => {
    const changed = vi.fn()
    const progressed = vi.fn()
    lector.on('lines:changed', changed)
    lector.on('job:progressed', progressed)
    push('lines:changed', { batchId: 1, ids: [4] })
    expect(changed).toHaveBeenCalledWith({ batchId: 1, ids: [4] })
    expect(changed.mock.calls[0]).toHaveLength(1)
    expect(progressed).not.toHaveBeenCalled()
  })

  it('stops delivering to a listener once it unsubscribes, and keeps delivering to the others', () => {
    const gone = vi.fn()
    const stays = vi.fn()
    const off = lector.on('batches:changed', gone)
    lector.on('batches:changed', stays)
    off()
    push('batches:changed', { ids: [1] })
    expect(gone).not.toHaveBeenCalled()
    expect(stays).toHaveBeenCalledWith({ ids: [1] })
  })

  it('refuses to subscribe to an event outside the contract', () => {
    const on = lector.on as (event: string, listener: () => void) => () => void
    expect(() => on('fs:changed', () => {})).toThrow(/Unknown event/)
  })

  it('answers pickFolder with a path or null, whatever main sends', async () => {
    fake.invoke.mockResolvedValueOnce('/home/me/scans')
    await expect(lector.pickFolder()).resolves.toBe('/home/me/scans')
    expect(fake.invoke).toHaveBeenLastCalledWith('lector-shell:pickFolder')
    fake.invoke.mockResolvedValueOnce({ not: 'a path' })
    await expect(lector.pickFolder()).resolves.toBeNull()
  })
})
