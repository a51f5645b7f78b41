import { describe, expect, it } from 'vitest'
import {
  contentSecurityPolicy,
  isAbiMismatch,
  isAllowedNavigation,
  isTrustedRendererUrl,
  secureWebPreferences,
} from './security'

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  )
}

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs')

  it('isolates the preload from the page', () => {
    expect(prefs.contextIsolation).toBe(true)
  })

  it('runs the renderer in the sandbox', () => {
    expect(prefs.sandbox).toBe(true)
  })

  it('gives the renderer no Node, in the page, its workers or its subframes', () => {
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  it('keeps web security on and refuses insecure content and webviews', () => {
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
  })

  it('loads the CommonJS preload it is given', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs')
  })
})

describe('contentSecurityPolicy', () => {
  const csp = directives(contentSecurityPolicy)

  it('never allows eval or inline scripts', () => {
    expect(contentSecurityPolicy).not.toContain('unsafe-eval')
    expect(csp.get('script-src')).toEqual(["'self'"])
  })

  it('allows no plugins, no <base> and no framing', () => {
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
  })

  it('defaults to self and connects only to ourselves and the loopback host', () => {
    expect(csp.get('default-src')).toEqual(["'self'"])
    for (const source of csp.get('connect-src') ?? []) {
      expect(source).toMatch(/^('self'|(ws|http):\/\/127\.0\.0\.1:\*)$/)
    }
  })
})

describe('isTrustedRendererUrl', () => {
  const origins = { rendererFile: '/app/out/renderer/index.html' }

  it('trusts our own index.html over file://, with or without a hash route', () => {
    expect(isTrustedRendererUrl('file:///app/out/renderer/index.html', origins)).toBe(true)
    expect(isTrustedRendererUrl('file:///app/out/renderer/index.html#/batch/3', origins)).toBe(true)
  })

  it('distrusts any other file, a remote page and garbage', () => {
    expect(isTrustedRendererUrl('file:///tmp/evil.html', origins)).toBe(false)
    expect(isTrustedRendererUrl('file://evil-host/app/out/renderer/index.html', origins)).toBe(false)
    expect(isTrustedRendererUrl('https://example.com/', origins)).toBe(false)
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', origins)).toBe(false)
    expect(isTrustedRendererUrl('not a url', origins)).toBe(false)
  })

  it('trusts the dev server origin only when given one', () => {
    const dev = { ...origins, devServerUrl: 'http://localhost:5173/' }
    expect(isTrustedRendererUrl('http://localhost:5173/src/index.html', dev)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false)
  })
})

describe('isAllowedNavigation', () => {
  it('allows reloading the same document and refuses going anywhere else', () => {
    const here = 'file:///app/out/renderer/index.html'
    expect(isAllowedNavigation(here, here)).toBe(true)
    expect(isAllowedNavigation(here, `${here}#/batch/2`)).toBe(true)
    expect(isAllowedNavigation(here, 'https://example.com/')).toBe(false)
    expect(isAllowedNavigation(here, 'file:///etc/passwd')).toBe(false)
    expect(isAllowedNavigation('', here)).toBe(false)
  })
})

describe('isAbiMismatch', () => {
  it('recognises a native module built for another Node ABI', () => {
    const err = new Error(
      "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150.",
    )
    expect(isAbiMismatch(err)).toBe(true)
  })

  it('does not blame the ABI for an ordinary error', () => {
    expect(isAbiMismatch(new Error('SQLITE_CANTOPEN: unable to open database file'))).toBe(false)
  })
})
