import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { BatchSummary } from '../../shared/api'
import { createDispatcher, type Handlers } from '../core/dispatch'
import { createEventBus } from '../core/event-bus'
import { contentSecurityPolicyFor } from '../security'
import { MAX_BODY_BYTES, startBridge, type Bridge } from './server'
import { fakeHandlers } from '../../../tests/fixtures/fake-handlers'

const SECRET = 'TOP-SECRET-OUTSIDE-THE-BUILD'
const batch: BatchSummary = {
  id: 1,
  name: 'letters',
  source: '/data/letters',
  createdAt: '2025-01-01T00:00:00.000Z',
  lineCount: 3,
  doneCount: 3,
  errorCount: 0,
  skippedFiles: [],
  skipped: [],
  pages: { total: 0, done: 0 },
  jobId: null,
  readingStopped: null,
}

function handlersFor(calls: string[]): Handlers {
  return fakeHandlers({
    'batch:list': () => {
      calls.push('batch:list')
      return [batch]
    },
    'job:cancel': (input) => {
      calls.push(`job:cancel ${input.jobId}`)
      return { cancelled: true }
    },
  })
}

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Raw HTTP, so paths reach the server exactly as written (fetch would normalise `..`). */
function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.once('error', (err) => reject(err))
  })
}

describe('the browser bridge', () => {
  let dir: string
  let bridge: Bridge
  const calls: string[] = []
  const events = createEventBus()
  const sockets: WebSocket[] = []

  beforeAll(async () => {
    // tmp/package.json and tmp/secret.txt sit beside the build, where a traversal would find them.
    dir = mkdtempSync(join(tmpdir(), 'lector-bridge-'))
    const staticDir = join(dir, 'renderer')
    mkdirSync(join(staticDir, 'assets'), { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Lector</title>')
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: SECRET }))
    writeFileSync(join(dir, 'secret.txt'), SECRET)
    symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'assets', 'link.txt'))
    bridge = await startBridge({
      engine: {
        dispatch: createDispatcher(handlersFor(calls), () => {}),
        events,
        exporter: {
          toFile: async () => {
            throw new Error('not used')
          },
          async toStream(input, out) {
            calls.push(`export ${input.batchId} ${input.format} bom=${input.bom}`)
            out.write('file,text\r\n')
          },
        },
      },
      port: 0,
      staticDir,
    })
  })

  afterEach(() => {
    calls.length = 0
    for (const ws of sockets.splice(0)) ws.terminate()
  })

  afterAll(async () => {
    await bridge?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const api = (name: string, headers: Record<string, string>, body = '{}') =>
    send(bridge.port, `/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })

  it('streams an export download only to a request that carries the token', async () => {
    expect((await send(bridge.port, '/download/1.csv')).status).toBe(401)
    expect(calls).toEqual([])
    const reply = await send(bridge.port, '/download/1.csv?bom=1', { headers: { 'x-lector-token': bridge.token } })
    expect(reply.status).toBe(200)
    expect(reply.headers['content-disposition']).toContain('lector-batch-1.csv')
    expect(reply.body).toBe('file,text\r\n')
    expect(calls).toContain('export 1 csv bom=true')
    expect((await send(bridge.port, '/download/7.csv', { headers: { 'x-lector-token': bridge.token } })).status).toBe(404)
    expect((await send(bridge.port, '/download/..%2f1.csv', { headers: { 'x-lector-token': bridge.token } })).status).toBe(404)
  })

  it('makes a random 64-hex-digit token and puts it in the URL', () => {
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/)
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${bridge.token}`)
  })

  it('binds to 127.0.0.1 by default, so other interfaces cannot reach it', async () => {
    const reply = await send(bridge.port, '/index.html')
    expect(reply.status).toBe(200)
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)
    if (outside) {
      await expect(send(bridge.port, '/index.html', { host: outside.address })).rejects.toThrow(/ECONNREFUSED/)
    }
  })

  it('refuses an API request without a token with 401 and never runs the handler', async () => {
    const reply = await api('batch:list', {})
    expect(reply.status).toBe(401)
    expect(calls).toEqual([])
  })

  it('refuses an API request with a wrong token with 401', async () => {
    const wrong = bridge.token.slice(0, -1) + (bridge.token.endsWith('0') ? '1' : '0')
    const reply = await api('batch:list', { 'x-lector-token': wrong })
    expect(reply.status).toBe(401)
    expect(calls).toEqual([])
  })

  it("answers an API request that carries the token with the dispatcher's result", async () => {
    const reply = await api('batch:list', { 'x-lector-token': bridge.token })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [batch] })
    expect(reply.headers['cache-control']).toBe('no-store')
    expect(calls).toEqual(['batch:list'])
  })

  it('passes the parsed input to the handler', async () => {
    const reply = await api('job:cancel', { 'x-lector-token': bridge.token }, JSON.stringify({ jobId: 'job-7' }))
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: { cancelled: true } })
    expect(calls).toEqual(['job:cancel job-7'])
  })

  it('returns errors as data with HTTP 200', async () => {
    const reply = await api('job:cancel', { 'x-lector-token': bridge.token }, JSON.stringify({ jobId: 42 }))
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, code: 'bad-input' })
    const unknown = await api('fs:delete', { 'x-lector-token': bridge.token })
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, code: 'unknown-request' })
  })

  it('answers a body that is not JSON with a bad-input error', async () => {
    const reply = await api('batch:list', { 'x-lector-token': bridge.token }, '{nope')
    expect(reply.status).toBe(400)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, code: 'bad-input' })
    expect(calls).toEqual([])
  })

  it('refuses an API request from a foreign Origin with 403 even when it carries the token', async () => {
    const reply = await api('batch:list', { 'x-lector-token': bridge.token, origin: 'http://evil.example' })
    expect(reply.status).toBe(403)
    expect(calls).toEqual([])
  })

  it('refuses a foreign origin that only differs in its port', async () => {
    const reply = await api('batch:list', {
      'x-lector-token': bridge.token,
      origin: `http://127.0.0.1:${bridge.port + 1}`,
    })
    expect(reply.status).toBe(403)
  })

  it('accepts an API request from its own origin', async () => {
    for (const origin of [`http://127.0.0.1:${bridge.port}`, `http://localhost:${bridge.port}`]) {
      const reply = await api('batch:list', { 'x-lector-token': bridge.token, origin })
      expect(reply.status).toBe(200)
    }
  })

  it('refuses an API request that is not a POST', async () => {
    const reply = await send(bridge.port, '/api/batch:list', { headers: { 'x-lector-token': bridge.token } })
    expect(reply.status).toBe(405)
    expect(calls).toEqual([])
  })

  it('refuses a body larger than the limit with 413', async () => {
    const big = JSON.stringify({ jobId: 'x'.repeat(MAX_BODY_BYTES) })
    const reply = await api('job:cancel', { 'x-lector-token': bridge.token }, big)
    expect(reply.status).toBe(413)
    expect(calls).toEqual([])
  })

  it('refuses a WebSocket without a token with 401', async () => {
    const result = await openSocket(`ws://127.0.0.1:${bridge.port}/events`)
    expect(result).toEqual({ status: 401 })
  })

  it('refuses a WebSocket with a wrong token with 401', async () => {
    const result = await openSocket(`ws://127.0.0.1:${bridge.port}/events?token=${'0'.repeat(64)}`)
    expect(result).toEqual({ status: 401 })
  })

  it('refuses a WebSocket from a foreign Origin with 403 even when it carries the token', async () => {
    const result = await openSocket(`ws://127.0.0.1:${bridge.port}/events?token=${bridge.token}`, {
      origin: 'http://evil.example',
    })
    expect(result).toEqual({ status: 403 })
  })

  it('forwards an emitted engine event to a WebSocket that carries the token', async () => {
    const result = await openSocket(`ws://127.0.0.1:${bridge.port}/events?token=${bridge.token}`, {
      origin: `http://127.0.0.1:${bridge.port}`,
    })
    if (!('ws' in result)) throw new Error(`upgrade refused with ${result.status}`)
    sockets.push(result.ws)
    const received = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event arrived within 5 s')), 5_000)
      result.ws.once('message', (data: Buffer) => {
        clearTimeout(timer)
        resolve(JSON.parse(data.toString('utf8')))
      })
    })
    events.emit('lines:changed', { batchId: 1, ids: [4, 5] })
    expect(await received).toEqual({ event: 'lines:changed', payload: { batchId: 1, ids: [4, 5] } })
  })

  it('serves the built page with the CSP and nosniff headers', async () => {
    const reply = await send(bridge.port, '/')
    expect(reply.status).toBe(200)
    expect(reply.body).toContain('<title>Lector</title>')
    // The renderer's policy, with connect-src naming the bridge's own WebSocket origins and no other.
    const sockets = ['127.0.0.1', 'localhost'].map((host) => `ws://${host}:${bridge.port}`)
    expect(reply.headers['content-security-policy']).toBe(contentSecurityPolicyFor({ connect: sockets }))
    expect(reply.headers['x-content-type-options']).toBe('nosniff')
    const script = await send(bridge.port, '/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toMatch(/^text\/javascript/)
  })

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/index.html%00.js',
    '/assets/link.txt',
  ])('answers %s with 404 and never with the file', async (path) => {
    const reply = await send(bridge.port, path)
    expect(reply.status).toBe(404)
    expect(reply.body).not.toContain(SECRET)
    expect(reply.body).not.toContain('root:')
  })

  it('answers an absolute file path in the URL with 404', async () => {
    const reply = await send(bridge.port, `/${encodeURIComponent(join(dir, 'secret.txt'))}`)
    expect(reply.status).toBe(404)
    expect(reply.body).not.toContain(SECRET)
  })
})
