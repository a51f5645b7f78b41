// The Electron shell: one locked-down window, the engine in this (main) process, the contract over IPC.
// Everything that decides what the renderer may do lives in security.ts and ipc.ts, tested without Electron.
import { existsSync, mkdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, session, type WebContents } from 'electron'
import type { Result } from '../shared/api'
import { createEngine, type Engine } from './core/engine'
import { bindIpc, bindShellIpc, createSenderCheck, type EventSourceLike } from './ipc'
import {
  contentSecurityPolicy,
  isAbiMismatch,
  isAllowedNavigation,
  isTrustedRendererUrl,
  secureWebPreferences,
} from './security'

const here = dirname(fileURLToPath(import.meta.url)) // out/main
const preloadPath = join(here, '../preload/index.cjs')
const rendererFile = join(here, '../renderer/index.html')
// electron-vite sets this for `electron-vite dev`; a packaged app never loads a remote URL.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL || undefined : undefined

// Tests (and anyone keeping two libraries) choose where Lector keeps its data. userData must be set
// before the single-instance lock, which is keyed on it.
if (process.env.LECTOR_USER_DATA) app.setPath('userData', resolve(process.env.LECTOR_USER_DATA))

let win: BrowserWindow | null = null
const windowContents = (): WebContents | null => (win && !win.isDestroyed() ? win.webContents : null)

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('web-contents-created', (_event, contents) => hardenContents(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  void app.whenReady().then(start)
}

function start(): void {
  lockDownSession()
  const engine = startEngine()
  const isTrustedSender = createSenderCheck({
    window: windowContents,
    isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile, devServerUrl }),
  })
  bindIpc({
    ipcMain,
    isTrustedSender,
    window: windowContents,
    // The window opens while the model loads; early calls wait for the engine instead of failing.
    dispatch: async (name, rawInput): Promise<Result<unknown>> => {
      const ready = await engine
      if (!ready) return { ok: false, code: 'unavailable', message: 'The engine did not start' }
      return ready.dispatch(name, rawInput)
    },
    events: lateEvents(engine),
  })
  bindShellIpc({ ipcMain, isTrustedSender, pickFolder, pickSaveFile })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  closeEngineOnQuit(engine)
  createWindow()
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 720,
    minHeight: 480,
    title: 'Lector',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  })
  win.once('ready-to-show', () => win?.show())
  win.on('closed', () => {
    win = null
  })
  const loading = devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(rendererFile)
  // A window that never loads would stay hidden forever: say so and quit instead.
  loading.catch((err: unknown) => {
    dialog.showErrorBox(
      'Lector could not open its window',
      `${err instanceof Error ? err.message : String(err)}\n\nIs the app built? Run: npm run build`,
    )
    app.exit(1)
  })
}

/** Applied to every webContents Electron creates, so no later window or frame escapes it. */
function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(contents.getURL(), event.url)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(contents.getURL(), event.url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/**
 * Lector needs no camera, notifications, geolocation, USB or anything else a page can ask for.
 * The CSP header reaches pages served over http (the dev server); Chromium gives file:// responses no
 * headers to rewrite, so the built renderer carries the same policy in a <meta> in its index.html.
 */
function lockDownSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } })
  })
}

/** Resolves to the engine, or to null after telling the user why it could not start (then quits). */
async function startEngine(): Promise<Engine | null> {
  const libraryPath = resolve(process.env.LECTOR_LIBRARY || join(app.getPath('userData'), 'library.db'))
  // better-sqlite3 in node_modules is built for Node's ABI; `npm run electron:native` builds one for ours.
  const electronAddon = join(app.getAppPath(), 'native', 'electron', 'better_sqlite3.node')
  const nativeBinding = existsSync(electronAddon) ? electronAddon : undefined
  try {
    mkdirSync(dirname(libraryPath), { recursive: true })
    return await createEngine({ libraryPath, host: 'electron', nativeBinding })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    console.error(err)
    if (isAbiMismatch(err)) {
      dialog.showErrorBox(
        'Lector cannot open its library',
        `The SQLite module was built for Node.js, not for Electron ${process.versions.electron}.\n\n` +
          'Run this once in the Lector folder, then start Lector again:\n\n    npm run electron:native\n\n' +
          `(${message})`,
      )
    } else {
      dialog.showErrorBox('Lector could not start', message)
    }
    app.exit(1)
    return null
  }
}

/** Events subscribed before the engine exists attach once it does. */
function lateEvents(engine: Promise<Engine | null>): EventSourceLike {
  return {
    onAny(listener) {
      let off: (() => void) | undefined
      let stopped = false
      void engine.then((ready) => {
        if (ready && !stopped) off = ready.events.onAny(listener)
      })
      return () => {
        stopped = true
        off?.()
      }
    },
  }
}

function closeEngineOnQuit(engine: Promise<Engine | null>): void {
  let closed = false
  app.on('will-quit', (event) => {
    if (closed) return
    // Let running jobs stop and SQLite checkpoint before the process goes.
    event.preventDefault()
    closed = true
    void engine
      .then((ready) => ready?.close())
      .catch((err: unknown) => console.error('closing the engine failed', err))
      .finally(() => app.quit())
  })
}

async function pickSaveFile(defaultName: string): Promise<string | null> {
  const options = {
    title: 'Export the batch',
    defaultPath: basename(defaultName),
    filters: [
      { name: 'CSV', extensions: ['csv'] },
      { name: 'JSON', extensions: ['json'] },
    ],
    // The export replaces a file chosen here without asking again: the dialog asks (macOS and Windows do by
    // themselves; Linux only when told).
    properties: ['showOverwriteConfirmation' as const],
  }
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
  return result.canceled ? null : (result.filePath ?? null)
}

async function pickFolder(): Promise<string | null> {
  const options = { title: 'Choose a folder of page images', properties: ['openDirectory' as const] }
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return result.canceled ? null : (result.filePaths[0] ?? null)
}
