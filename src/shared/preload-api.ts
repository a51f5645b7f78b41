// What the Electron preload puts on `window.lector`: the contract every host offers, plus the one thing
// only a desktop shell can do — show the operating system's folder picker. Pure types: both the preload
// (no DOM) and the renderer (no Node) import this.
import type { LectorClient } from './api'

export interface PreloadApi extends LectorClient {
  /** Opens the native folder picker; resolves to the chosen absolute path, or null when cancelled. */
  pickFolder: () => Promise<string | null>
  /** Opens the native save dialog; resolves to the chosen absolute path, or null when cancelled. */
  pickSaveFile: (defaultName: string) => Promise<string | null>
  /** The paths of files (or folders) dropped on the page; '' for one that has none (made in the page). */
  pathsForFiles: (files: ArrayLike<object>) => string[]
}

/** IPC channel names shared by main and preload; every contract name travels as `lector:<name>`. */
export const ipcRequestPrefix = 'lector:'
export const ipcEventChannel = 'lector:event'
export const ipcPickFolderChannel = 'lector-shell:pickFolder'
export const ipcPickSaveFileChannel = 'lector-shell:pickSaveFile'
