// Builds window.lector from the contract. The page gets functions only — never ipcRenderer, never an
// IPC event object (its `sender` would hand the page ipcRenderer back). Runs sandboxed, built as CJS.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { isApiName, type Result } from '../shared/api'
import { createEmitter } from '../shared/emitter'
import { isEventName, type Events } from '../shared/events'
import {
  ipcEventChannel,
  ipcPickFolderChannel,
  ipcPickSaveFileChannel,
  ipcRequestPrefix,
  type PreloadApi,
} from '../shared/preload-api'

// One IPC listener fans out to the page's listeners, so many subscribers never stack up IPC handlers. A
// page listener that throws is logged and the others still hear the event.
const events = createEmitter<Events>({ onListenerError: (err, name) => console.error(`a listener for ${String(name)} threw`, err) })
// Only contract event names reach the page's listeners.
ipcRenderer.on(ipcEventChannel, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (isEventName(name)) events.emit(name, payload as Events[typeof name])
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
    return events.on(event, listener)
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
