// Builds window.lector from the contract. The page gets functions only — never ipcRenderer, never an
// IPC event object (its `sender` would hand the page ipcRenderer back). Runs sandboxed, built as CJS.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { isApiName, type Result } from '../shared/api'
import { isEventName, type EventName } from '../shared/events'
import {
  ipcEventChannel,
  ipcPickFolderChannel,
  ipcPickSaveFileChannel,
  ipcRequestPrefix,
  type PreloadApi,
} from '../shared/preload-api'

type AnyListener = (payload: unknown) => void

// One IPC listener fans out to the page's listeners, so many subscribers never stack up IPC handlers.
const listeners = new Map<EventName, Set<AnyListener>>()
// Only contract event names are ever keys of `listeners` (see `on`), so anything else reaches no one.
ipcRenderer.on(ipcEventChannel, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  for (const listener of listeners.get(name as EventName) ?? []) {
    try {
      listener(payload)
    } catch (err) {
      console.error(`a listener for ${name} threw`, err)
    }
  }
})

const failure = (code: 'unknown-request' | 'internal', message: string): Result<never> => ({ ok: false, code, message })

const lector: PreloadApi = {
  call(name, input) {
    if (!isApiName(name)) {
      return Promise.resolve(failure('unknown-request', `Unknown request: ${String(name).slice(0, 80)}`))
    }
    // main answers with errors as data; a rejection means IPC itself failed (e.g. the sender was refused).
    return ipcRenderer
      .invoke(ipcRequestPrefix + name, input)
      .catch((err: unknown) => failure('internal', err instanceof Error ? err.message : String(err)))
  },
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event).slice(0, 80)}`)
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    const own = listener as AnyListener
    set.add(own)
    return () => {
      set.delete(own)
    }
  },
  async pickFolder() {
    const path: unknown = await ipcRenderer.invoke(ipcPickFolderChannel)
    return typeof path === 'string' ? path : null
  },
  async pickSaveFile(defaultName) {
    const path: unknown = await ipcRenderer.invoke(ipcPickSaveFileChannel, String(defaultName).slice(0, 255))
    return typeof path === 'string' ? path : null
  },
  // Since Electron 32 a dropped File no longer carries `path`; webUtils is the sanctioned way to ask.
  pathsForFiles(files) {
    return Array.from(files, (file) => {
      try {
        return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0])
      } catch {
        return ''
      }
    })
  },
}

contextBridge.exposeInMainWorld('lector', lector)
