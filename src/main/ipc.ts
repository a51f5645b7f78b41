// Binds the contract (src/shared/api.ts) to Electron's ipcMain. No `electron` import: the few members
// used are typed structurally, so a plain Node test drives this file with fakes.
import { apiNames, type Result } from '../shared/api'
import type { EventName } from '../shared/events'
import { ipcEventChannel, ipcPickFolderChannel, ipcPickSaveFileChannel, ipcRequestPrefix } from '../shared/preload-api'

/** The frame an IPC message came from (Electron's WebFrameMain). */
export interface FrameLike {
  readonly url: string
  readonly parent: FrameLike | null
  readonly processId: number
  readonly routingId: number
}

/** The parts of IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number }
  readonly senderFrame: FrameLike | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

/** The window's webContents, as far as the sender check and event forwarding need it. */
export interface WebContentsLike {
  readonly id: number
  readonly mainFrame: FrameLike
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

export interface EventSourceLike {
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
}

export type SenderCheck = (event: InvokeEventLike) => boolean

/**
 * Accepts only the main frame of our own window, showing our own page. Subframes (an injected iframe),
 * other webContents (a devtools extension, a stray window) and any page that navigated elsewhere are
 * refused before their input is even looked at.
 */
export function createSenderCheck(options: {
  window: () => WebContentsLike | null
  isTrustedUrl: (url: string) => boolean
}): SenderCheck {
  return (event) => {
    const contents = options.window()
    const frame = event.senderFrame
    if (!contents || contents.isDestroyed() || !frame) return false
    if (event.sender.id !== contents.id) return false
    if (frame.parent !== null) return false
    const main = contents.mainFrame
    if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false
    return options.isTrustedUrl(frame.url)
  }
}

/** Thrown (so the renderer's invoke rejects) for a sender that is not ours: it gets no errors-as-data. */
export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused ${channel}: the request did not come from Lector's own window`)
    this.name = 'UntrustedSenderError'
  }
}

/**
 * One `ipcMain.handle('lector:<name>')` per contract name, and nothing else: a channel outside the
 * contract has no handler at all. The sender is checked first; the raw input goes to `dispatch`,
 * which parses it with zod and turns every failure into `{ ok: false, code, message }`.
 * Every engine event is forwarded to the window on one channel. Returns a function that unbinds all.
 */
export function bindIpc(options: {
  ipcMain: IpcMainLike
  dispatch: (name: unknown, rawInput: unknown) => Promise<Result<unknown>>
  events: EventSourceLike
  isTrustedSender: SenderCheck
  /** Where events go; null while there is no window. */
  window: () => WebContentsLike | null
}): () => void {
  const { ipcMain, dispatch, isTrustedSender } = options
  const channels: string[] = []
  for (const name of apiNames) {
    const channel = ipcRequestPrefix + name
    ipcMain.handle(channel, (event, rawInput) => {
      if (!isTrustedSender(event)) throw new UntrustedSenderError(channel)
      return dispatch(name, rawInput)
    })
    channels.push(channel)
  }
  const stopForwarding = options.events.onAny((name, payload) => {
    const contents = options.window()
    if (contents && !contents.isDestroyed()) contents.send(ipcEventChannel, name, payload)
  })
  return () => {
    stopForwarding()
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}

/**
 * Desktop-only requests that are not part of the engine contract (the browser shell cannot offer
 * them): the native folder picker. Same sender check as the contract.
 */
export function bindShellIpc(options: {
  ipcMain: IpcMainLike
  isTrustedSender: SenderCheck
  pickFolder: () => Promise<string | null>
  /** The native save dialog (exports); the name is only a suggestion shown in it. */
  pickSaveFile?: (defaultName: string) => Promise<string | null>
}): () => void {
  const { ipcMain, isTrustedSender, pickSaveFile } = options
  ipcMain.handle(ipcPickFolderChannel, (event) => {
    if (!isTrustedSender(event)) throw new UntrustedSenderError(ipcPickFolderChannel)
    return options.pickFolder()
  })
  if (pickSaveFile) {
    ipcMain.handle(ipcPickSaveFileChannel, (event, name) => {
      if (!isTrustedSender(event)) throw new UntrustedSenderError(ipcPickSaveFileChannel)
      return pickSaveFile(typeof name === 'string' ? name.slice(0, 255) : 'export.csv')
    })
  }
  return () => {
    ipcMain.removeHandler(ipcPickFolderChannel)
    if (pickSaveFile) ipcMain.removeHandler(ipcPickSaveFileChannel)
  }
}
