// The built Electron app, end to end: out/main + out/preload + out/renderer in a real Electron window.
// Needs the Electron binary, which Electron 45 downloads on first use (npm start); without it, or
// without a display on Linux, these tests are skipped and say why.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PreloadApi } from '../../src/shared/preload-api'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'package.json'))
const preloadBundle = join(root, 'out/preload/index.cjs')

/** The Electron executable, found without `require('electron')` until it exists: that call downloads. */
function electronExecutable(): string | null {
  const dir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  if (!existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))) return null
  return require('electron') as string
}

function skipReason(): string | null {
  if (!electronExecutable()) return 'Electron binary not installed (offline); run npm start once online'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display for the Electron window; run the tests under xvfb-run'
  }
  return null
}

const why = skipReason()
if (why) console.warn(`tests/e2e/electron.test.ts: skipped — ${why}`)

// The page runs with no DOM types here (this is the Node project); reach its globals through this.
type PageGlobals = { lector: PreloadApi; require?: unknown; process?: unknown; open(url: string): unknown }
const lectorIn = (page: Page) => page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).lector).sort())

describe.skipIf(!existsSync(preloadBundle))('the built preload (skipped until npm run build has run)', () => {
  it('requires nothing but electron, since a sandboxed preload cannot load packages', () => {
    const requires = [...readFileSync(preloadBundle, 'utf8').matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
    expect(requires.filter((name) => name !== 'electron')).toEqual([])
  })
})

describe.skipIf(why !== null)(`the Electron app${why ? ` (skipped: ${why})` : ''}`, () => {
  let app: ElectronApplication
  let page: Page
  let userData: string

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'lector-electron-'))
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
    delete env.ELECTRON_RUN_AS_NODE
    env.LECTOR_USER_DATA = userData
    env.LECTOR_LIBRARY = join(userData, 'e2e-library.db')
    // Chromium's OS sandbox refuses to start as root (CI containers); the renderer stays sandbox: true.
    const args = process.getuid?.() === 0 ? ['.', '--no-sandbox'] : ['.']
    app = await _electron.launch({ executablePath: electronExecutable()!, args, cwd: root, env, timeout: 90_000 })
    page = await app.firstWindow()
  })

  afterAll(async () => {
    await app?.close()
    if (userData) rmSync(userData, { recursive: true, force: true })
  })

  it('shows the engine status, naming the execution provider that runs the model', async () => {
    const status = await page.evaluate(() => (globalThis as unknown as PageGlobals).lector.call('engine:status', {}))
    if (!status.ok) throw new Error(`engine:status failed: ${status.message}`)
    expect(status.value.host).toBe('electron')
    await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain(status.value.provider.name)
    mkdirSync(join(root, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results/electron.png') })
  })

  it('keeps the library where LECTOR_LIBRARY points', async () => {
    const status = await page.evaluate(() => (globalThis as unknown as PageGlobals).lector.call('engine:status', {}))
    expect(status.ok && status.value.libraryPath).toBe(join(userData, 'e2e-library.db'))
    expect(existsSync(join(userData, 'e2e-library.db'))).toBe(true)
  })

  it('gives the page the lector functions and no Node', async () => {
    expect(await lectorIn(page)).toEqual(['call', 'on', 'pathsForFiles', 'pickFolder', 'pickSaveFile'])
    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals
      return { require: typeof g.require, process: typeof g.process }
    })
    expect(globals).toEqual({ require: 'undefined', process: 'undefined' })
  })

  it('answers a request outside the contract with unknown-request', async () => {
    const result = await page.evaluate(() =>
      (globalThis as unknown as { lector: { call(name: string, input: unknown): Promise<unknown> } }).lector.call('fs:read', {}),
    )
    expect(result).toMatchObject({ ok: false, code: 'unknown-request' })
  })

  it('opens no second window when the page asks for one', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null)
    expect(opened).toBe(true)
    expect(app.windows()).toHaveLength(1)
  })
})
