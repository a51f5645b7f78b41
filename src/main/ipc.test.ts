import { describe, expect, it, vi } from 'vitest'
import { apiNames } from '../shared/api'
import { createDispatcher, type Handlers } from './core/dispatch'
import { createEventBus } from './core/event-bus'
import {
  bindIpc,
  bindShellIpc,
  createSenderCheck,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type WebContentsLike,
} from './ipc'
import { isTrustedRendererUrl } from './security'
import { fakeHandlers } from '../../tests/fixtures/fake-handlers'

const rendererFile = '/app/out/renderer/index.html'
const appUrl = 'file:///app/out/renderer/index.html'

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>()
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    },
  }
  // Like Electron: invoking a channel nobody handles is an error, not a silent success.
  const invoke = async (channel: string, event: InvokeEventLike, ...args: unknown[]) => {
    const handler = handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  }
  return { ipcMain, handlers, invoke }
}

function frame(url: string, ids: { processId?: number; routingId?: number; parent?: FrameLike | null } = {}): FrameLike {
  return { url, parent: ids.parent ?? null, processId: ids.processId ?? 7, routingId: ids.routingId ?? 1 }
}

function fakeWindow(url = appUrl) {
  const sent: unknown[][] = []
  const contents: WebContentsLike = {
    id: 1,
    mainFrame: frame(url),
    isDestroyed: () => false,
    send: (...args) => void sent.push(args),
  }
  return { contents, sent }
}

function handlersWithStatus(overrides: Partial<Handlers> = {}): Handlers {
  return fakeHandlers({
    'engine:status': () => ({
      version: '0.0.0',
      model: { id: 'm', name: 'model', alphabetSize: 3 },
      provider: { name: 'cpu', skipped: [] },
      detection: null,
      libraryPath: ':memory:',
      host: 'electron',
    }),
    'batch:list': () => [],
    'job:cancel': (input) => ({ cancelled: input.jobId === 'job-1' }),
    ...overrides,
  })
}

function setup(handlers: Handlers = handlersWithStatus()) {
  const { ipcMain, handlers: registered, invoke } = fakeIpcMain()
  const { contents, sent } = fakeWindow()
  const events = createEventBus()
  const dispatch = vi.fn(createDispatcher(handlers, () => {}))
  const isTrustedSender = createSenderCheck({
    window: () => contents,
    isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile }),
  })
  const unbind = bindIpc({ ipcMain, dispatch, events, isTrustedSender, window: () => contents })
  const ours: InvokeEventLike = { sender: { id: contents.id }, senderFrame: contents.mainFrame }
  return { registered, invoke, contents, sent, events, dispatch, isTrustedSender, unbind, ours, ipcMain }
}

describe('bindIpc', () => {
  it('passes a good call from our window to its handler and returns the result as data', async () => {
    const { invoke, ours, dispatch } = setup()
    await expect(invoke('lector:job:cancel', ours, { jobId: 'job-1' })).resolves.toEqual({
      ok: true,
      value: { cancelled: true },
    })
    expect(dispatch).toHaveBeenCalledWith('job:cancel', { jobId: 'job-1' })
  })

  it('answers a malformed payload with bad-input and never runs the handler', async () => {
    const cancel = vi.fn(() => ({ cancelled: true }))
    const { invoke, ours } = setup(handlersWithStatus({ 'job:cancel': cancel }))
    const result = await invoke('lector:job:cancel', ours, { jobId: 42, extra: true })
    expect(result).toMatchObject({ ok: false, code: 'bad-input' })
    expect(cancel).not.toHaveBeenCalled()
  })

  it('refuses a sender from another webContents before dispatching', async () => {
    const { invoke, contents, dispatch } = setup()
    const foreign: InvokeEventLike = { sender: { id: 99 }, senderFrame: contents.mainFrame }
    await expect(invoke('lector:engine:status', foreign, {})).rejects.toThrow(/did not come from Lector/)
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('refuses our own window once it shows a page that is not our renderer', async () => {
    const { invoke, contents, dispatch } = setup()
    const navigated: InvokeEventLike = { sender: { id: contents.id }, senderFrame: frame('https://evil.example/') }
    await expect(invoke('lector:engine:status', navigated, {})).rejects.toThrow(/did not come from Lector/)
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('refuses a subframe of our own window, even one showing our own page', async () => {
    const { invoke, contents, dispatch } = setup()
    const sub = frame(appUrl, { routingId: 2, parent: contents.mainFrame })
    await expect(invoke('lector:engine:status', { sender: { id: contents.id }, senderFrame: sub }, {})).rejects.toThrow()
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('refuses a frame that is gone (Electron reports senderFrame as null)', async () => {
    const { invoke, contents, dispatch } = setup()
    await expect(invoke('lector:engine:status', { sender: { id: contents.id }, senderFrame: null }, {})).rejects.toThrow()
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('registers exactly one handler per contract name and none for anything else', async () => {
    const { registered, invoke, ours } = setup()
    expect([...registered.keys()].sort()).toEqual(apiNames.map((n) => `lector:${n}`).sort())
    expect(registered.has('lector:event')).toBe(false)
    await expect(invoke('lector:fs:readFile', ours, { path: '/etc/passwd' })).rejects.toThrow(/No handler/)
  })

  it('forwards every engine event to the window on the event channel', () => {
    const { events, sent } = setup()
    events.emit('lines:changed', { batchId: 3, ids: [1, 2] })
    events.emit('batches:changed', { ids: [3] })
    expect(sent).toEqual([
      ['lector:event', 'lines:changed', { batchId: 3, ids: [1, 2] }],
      ['lector:event', 'batches:changed', { ids: [3] }],
    ])
  })

  it('removes its handlers and stops forwarding events when unbound', () => {
    const { unbind, registered, events, sent } = setup()
    unbind()
    events.emit('batches:changed', { ids: [1] })
    expect(registered.size).toBe(0)
    expect(sent).toEqual([])
  })
})

describe('bindShellIpc', () => {
  it('opens the folder picker for our window and refuses a foreign sender', async () => {
    const { ipcMain, invoke } = fakeIpcMain()
    const { contents } = fakeWindow()
    const pickFolder = vi.fn(async () => '/home/me/pages')
    const isTrustedSender = createSenderCheck({
      window: () => contents,
      isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile }),
    })
    bindShellIpc({ ipcMain, isTrustedSender, pickFolder })
    await expect(invoke('lector-shell:pickFolder', { sender: { id: 1 }, senderFrame: contents.mainFrame })).resolves.toBe(
      '/home/me/pages',
    )
    await expect(invoke('lector-shell:pickFolder', { sender: { id: 2 }, senderFrame: contents.mainFrame })).rejects.toThrow()
    expect(pickFolder).toHaveBeenCalledTimes(1)
  })
})

describe('createSenderCheck', () => {
  it('accepts the dev server origin only when one is configured', () => {
    const { contents } = fakeWindow('http://127.0.0.1:5173/')
    const ev: InvokeEventLike = { sender: { id: 1 }, senderFrame: contents.mainFrame }
    const withDev = createSenderCheck({
      window: () => contents,
      isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile, devServerUrl: 'http://127.0.0.1:5173' }),
    })
    const withoutDev = createSenderCheck({
      window: () => contents,
      isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile }),
    })
    expect(withDev(ev)).toBe(true)
    expect(withoutDev(ev)).toBe(false)
  })

  it('refuses everything while there is no window', () => {
    const check = createSenderCheck({ window: () => null, isTrustedUrl: () => true })
    expect(check({ sender: { id: 1 }, senderFrame: frame(appUrl) })).toBe(false)
  })
})
