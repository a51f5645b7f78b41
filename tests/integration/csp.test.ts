// The policy the renderer actually gets, from the one source in src/main/security.ts: in Electron the
// built index.html's <meta> (file:// pages get no headers), in a browser that <meta> and the bridge's
// header together. Needs `npm run build` first (the test script runs it).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridge, type Bridge } from '../../src/main/bridge/server'
import { createDispatcher } from '../../src/main/core/dispatch'
import { createEventBus } from '../../src/main/core/event-bus'
import { contentSecurityPolicy, contentSecurityPolicyFor } from '../../src/main/security'
import { fakeHandlers } from '../fixtures/fake-handlers'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const staticDir = join(root, 'out', 'renderer')

/** The content of the page's CSP <meta> tags (a page may carry several; all apply). */
function metaPolicies(html: string): string[] {
  const tags = html.match(/<meta\b[^>]*http-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>/gi) ?? []
  return tags.map((tag) => {
    const content = /\bcontent\s*=\s*"([^"]*)"/i.exec(tag)?.[1]
    if (content === undefined) throw new Error(`a CSP <meta> without a double-quoted content: ${tag}`)
    return content.replaceAll('&quot;', '"').replaceAll('&amp;', '&')
  })
}

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  )
}

describe('the Content-Security-Policy the renderer gets', () => {
  let html: string
  let bridge: Bridge

  beforeAll(async () => {
    const index = join(staticDir, 'index.html')
    if (!existsSync(index)) throw new Error(`${index} is missing: build the renderer first (npm run build).`)
    html = readFileSync(index, 'utf8')
    const engine = { dispatch: createDispatcher(fakeHandlers(), () => {}), events: createEventBus() }
    bridge = await startBridge({ engine, staticDir })
  })

  afterAll(async () => {
    await bridge?.close()
  })

  it('is the source policy in the built page, less only what a <meta> cannot carry', () => {
    expect(metaPolicies(html)).toEqual([contentSecurityPolicyFor({ meta: true })])
    const meta = directives(metaPolicies(html)[0])
    const header = directives(contentSecurityPolicy)
    header.delete('frame-ancestors')
    expect(meta).toEqual(header)
  })

  it('lets the built page connect to no host beyond itself and loopback', () => {
    for (const source of directives(metaPolicies(html)[0]).get('connect-src') ?? []) {
      expect(source).toMatch(/^('self'|(ws|http):\/\/127\.0\.0\.1:\*)$/)
    }
  })

  it("is the source policy in the bridge's header on a real GET, plus the bridge's own WebSocket origins", async () => {
    const reply = await fetch(bridge.url)
    expect(reply.status).toBe(200)
    const sockets = ['127.0.0.1', 'localhost'].map((host) => `ws://${host}:${bridge.port}`)
    expect(reply.headers.get('content-security-policy')).toBe(contentSecurityPolicyFor({ connect: sockets }))
    // The page it serves is the build, its <meta> as above: both policies apply, the stricter wins.
    const body = await reply.text()
    expect(body).toBe(html)
  })
})
