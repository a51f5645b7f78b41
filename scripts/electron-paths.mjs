// Where the Electron binary and the Electron-ABI SQLite addon live; shared by start.mjs,
// build-electron-sqlite.mjs and the Electron e2e test. Never `require('electron')` to find the binary:
// in Electron 45 that call downloads it when missing.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

export const electronDir = dirname(require.resolve('electron/package.json'))
export const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version

/** The Electron executable if it is installed, else null. Mirrors node_modules/electron/index.js. */
export function electronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    return existsSync(exe) ? exe : null
  }
  if (!relative) return null
  const exe = join(electronDir, 'dist', relative)
  return existsSync(exe) ? exe : null
}

/** Electron's NODE_MODULE_VERSION, as the electron package records it; null if it does not. */
export function electronAbi() {
  const file = join(electronDir, 'abi_version')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null
}

export const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
export const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version

export const nativeDir = join(root, 'native', 'electron')
export const nativeAddon = join(nativeDir, 'better_sqlite3.node')
/** What the addon was built for; start.mjs rebuilds when Electron or better-sqlite3 changed. */
export const nativeInfo = join(nativeDir, 'build-info.json')

/** Whether native/electron holds an addon built for this Electron and this better-sqlite3. */
export function nativeAddonIsCurrent() {
  if (!existsSync(nativeAddon) || !existsSync(nativeInfo)) return false
  try {
    const info = JSON.parse(readFileSync(nativeInfo, 'utf8'))
    return info.electron === electronVersion && info.betterSqlite3 === sqliteVersion && info.arch === process.arch
  } catch {
    return false
  }
}
