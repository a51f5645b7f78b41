import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/**
 * Where the library lives unless told otherwise: the same folder Electron's app.getPath('userData') gives
 * for productName "Lector", so the app, the browser shell and the CLI share one library by default.
 * LECTOR_LIBRARY overrides it (tests, several libraries).
 */
export function defaultLibraryPath(env = process.env, platform = process.platform): string {
  if (env.LECTOR_LIBRARY) return env.LECTOR_LIBRARY
  const home = homedir()
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(base, 'Lector', 'library.db')
}

/**
 * Where a batch is exported unless the reviewer picks another folder: beside the library, never among the
 * scans (an export saved there showed up as a file left out when the folder was opened again). An
 * in-memory library has no folder: the system's temporary one stands in.
 */
export function exportFolderOf(libraryPath: string): string {
  return libraryPath === ':memory:' ? join(tmpdir(), 'lector-exports') : join(dirname(libraryPath), 'exports')
}
