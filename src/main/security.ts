// The Electron window's security settings and the renderer's Content-Security-Policy (every host's), kept
// free of `electron` imports so a plain Node test can assert each one. index.ts applies them; nothing else
// should loosen them.
import { pathToFileURL } from 'node:url'

/**
 * The renderer's Content-Security-Policy, the one source of all three places it is applied: the header
 * Electron adds to pages served over http (the dev server), the <meta> in the built index.html (the policy
 * of the page Electron loads from file://, which gets no headers; electron.vite.config.ts writes it) and
 * the bridge's header. No 'unsafe-eval' and no inline scripts; inline styles are allowed because React
 * sets `style` attributes. connect-src admits ourselves and the loopback hosts only, for the dev server's
 * hot reload and the browser bridge; crops arrive as data: URLs.
 */
const directives: ReadonlyArray<readonly [name: string, sources: readonly string[]]> = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:', 'blob:']],
  ['connect-src', ["'self'", 'ws://127.0.0.1:*', 'http://127.0.0.1:*']],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
]

/**
 * The policy as text. `connect`: sources a host adds to connect-src (the bridge, its own WebSocket
 * origins). `meta`: for a <meta> tag, which must leave out frame-ancestors (browsers ignore it there and
 * warn; the headers carry it).
 */
export function contentSecurityPolicyFor(options: { connect?: readonly string[]; meta?: boolean } = {}): string {
  return directives
    .filter(([name]) => !(options.meta && name === 'frame-ancestors'))
    .map(([name, sources]) => [name, ...sources, ...(name === 'connect-src' ? (options.connect ?? []) : [])].join(' '))
    .join('; ')
}

/** The header Electron sets. */
export const contentSecurityPolicy = contentSecurityPolicyFor()

/**
 * The BrowserWindow's webPreferences. The renderer gets no Node, runs in Chromium's sandbox, and sees
 * main only through the preload's `window.lector` functions (contextIsolation keeps the preload's
 * `ipcRenderer` out of the page's reach).
 */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const
}

export interface TrustedOrigins {
  /** Absolute path of the built renderer's index.html, loaded over file://. */
  rendererFile: string
  /** The electron-vite dev server URL, only when running unpackaged in development. */
  devServerUrl?: string
}

/** Whether a page URL is our renderer: exactly our index.html over file://, or the dev server's origin. */
export function isTrustedRendererUrl(url: string, origins: TrustedOrigins): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'file:') {
    return parsed.pathname === pathToFileURL(origins.rendererFile).pathname && parsed.host === ''
  }
  if (!origins.devServerUrl) return false
  try {
    return parsed.origin === new URL(origins.devServerUrl).origin
  } catch {
    return false
  }
}

/** Navigation away from the loaded page is refused; reloading the same document is not navigation. */
export function isAllowedNavigation(currentUrl: string, targetUrl: string): boolean {
  const strip = (u: string) => u.replace(/#.*$/, '')
  return currentUrl !== '' && strip(currentUrl) === strip(targetUrl)
}

/** Native-module load failures that mean "this addon was built for another runtime (Node, not Electron)". */
export function isAbiMismatch(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  const text = err instanceof Error ? `${err.message} ${typeof code === 'string' ? code : ''}` : String(err)
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version|ERR_DLOPEN_FAILED|invalid ELF header|not a valid Win32 application/i.test(
    text,
  )
}
