// Hostile and mistaken use of the browser shell and the command line: a body that is not UTF-8, a Host
// header naming another site (DNS rebinding), a page opened from another machine when serving every
// interface, a batch that does not exist, a port that is not one or is taken, an export over a file.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startBridge, type Bridge } from '../../src/main/bridge/server'
import { createDispatcher } from '../../src/main/core/dispatch'
import { createEventBus } from '../../src/main/core/event-bus'
import { fakeHandlers } from '../fixtures/fake-handlers'
import { useEngine } from '../fixtures/use-engine'

const root = join(import.meta.dirname, '..', '..')
const exec = promisify(execFile)
const cli = (args: string[]) =>
  exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: { ...process.env, LECTOR_PROVIDERS: 'cpu' }, timeout: 120_000 })

const staticDir = mkdtempSync(join(tmpdir(), 'lector-static-'))
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Lector</title>')
const bridges: Bridge[] = []
afterAll(() => Promise.all(bridges.map((b) => b.close())))

async function bridgeWith(options: { host?: string; hosts?: string[] } = {}) {
  const calls: unknown[] = []
  const dispatch = createDispatcher(fakeHandlers({ 'batch:list': (input) => (calls.push(input), []) }))
  const bridge = await startBridge({ engine: { dispatch, events: createEventBus() }, staticDir, ...options })
  bridges.push(bridge)
  return { bridge, calls }
}

function send(port: number, path: string, options: { address?: string; method?: string; headers?: Record<string, string>; body?: Buffer }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: options.address ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const api = (bridge: Bridge, headers: Record<string, string>, body = Buffer.from('{}'), address?: string) =>
  send(bridge.port, '/api/batch:list', { address, method: 'POST', body, headers: { 'x-lector-token': bridge.token, 'content-type': 'application/json', ...headers } })

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => (ws.close(), resolve(101)))
    ws.once('unexpected-response', (_req, res) => (ws.terminate(), resolve(res.statusCode ?? 0)))
    ws.once('error', reject)
  })
}

const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)

describe('the browser shell', () => {
  it('refuses a request body that is not valid UTF-8 instead of reading it as U+FFFD', async () => {
    const { bridge, calls } = await bridgeWith()
    const body = Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])
    const reply = await api(bridge, {}, body)
    expect(reply.status).toBe(400)
    expect(JSON.parse(reply.body)).toEqual({ ok: false, code: 'bad-input', message: 'Request body is not valid UTF-8 text' })
    expect(calls).toEqual([])
    // A lone surrogate's bytes (CESU-8) and an overlong encoding are not UTF-8 either.
    for (const bytes of [[0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      expect((await api(bridge, {}, Buffer.concat([Buffer.from('{"x":"'), Buffer.from(bytes), Buffer.from('"}')]))).status).toBe(400)
    }
    expect((await api(bridge, {}, Buffer.from('{"x":"é ✓ 👩‍👩‍👧"}'))).status).toBe(200)
  })

  it('refuses a request addressed to a name it was not bound or announced as, as DNS rebinding sends', async () => {
    const { bridge, calls } = await bridgeWith({ hosts: ['lector.example.lan'] })
    const port = bridge.port
    for (const host of [`evil.example:${port}`, `attacker.test`, `127.0.0.1.evil.example:${port}`, 'not a host']) {
      expect((await api(bridge, { host })).status, host).toBe(421)
      expect((await send(port, '/', { headers: { host } })).status, host).toBe(421)
      expect(await upgrade(`ws://127.0.0.1:${port}/events?token=${bridge.token}`, { host }), host).toBe(421)
    }
    expect(calls).toEqual([])
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `localhost:9000`, `lector.example.lan:${port}`]) {
      expect((await api(bridge, { host })).status, host).toBe(200)
    }
    expect(await upgrade(`ws://127.0.0.1:${port}/events?token=${bridge.token}`, { host: `localhost:${port}` })).toBe(101)
  })

  it.skipIf(!outside)('serving every interface, accepts a page opened from another machine at its own origin and refuses others', async () => {
    const { bridge } = await bridgeWith({ host: '0.0.0.0' })
    const here = `${outside!.address}:${bridge.port}`
    expect(bridge.urls).toContain(`http://${here}/?token=${bridge.token}`)
    // The page another machine opened at this one's address sends its own origin: it was refused with 403.
    expect((await api(bridge, { origin: `http://${here}` }, undefined, outside!.address)).status).toBe(200)
    expect(await upgrade(`ws://${here}/events?token=${bridge.token}`, { origin: `http://${here}` })).toBe(101)
    // Another site's page, at whatever address, is not.
    expect((await api(bridge, { origin: 'http://evil.example' }, undefined, outside!.address)).status).toBe(403)
    expect((await api(bridge, { origin: `http://${outside!.address}:1` }, undefined, outside!.address)).status).toBe(403)
    expect((await api(bridge, { host: `evil.example:${bridge.port}`, origin: `http://evil.example:${bridge.port}` }, undefined, outside!.address)).status).toBe(421)
  })
})

describe('requests about a batch that does not exist', () => {
  const t = useEngine({ name: 'no-batch' })
  it('answers review:undo and review:decision with not-found', async () => {
    for (const name of ['review:undo', 'review:decision'] as const) {
      expect(await t.engine.dispatch(name, { batchId: 987_654 })).toEqual({ ok: false, code: 'not-found', message: 'There is no batch 987654.' })
    }
  })
})

describe('lector serve and run', () => {
  it('exits at once with a usage error when --port is not a port', async () => {
    for (const port of ['abc', '-1', '70000', '80.5']) {
      await expect(cli(['serve', `--port=${port}`, '--db', join(staticDir, 'unused.db')])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining(`lector: --port is a number from 0 to 65535 (0: any free port), not "${port}"`),
      })
    }
    expect(existsSync(join(staticDir, 'unused.db'))).toBe(false)
  })

  it('exits with an error when the port is taken, instead of running on without serving', async () => {
    const built = join(root, 'out', 'renderer', 'index.html')
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first.`)
    const taken = createServer()
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done))
    const port = (taken.address() as AddressInfo).port
    try {
      await expect(cli(['serve', '--port', String(port), '--db', join(mkdtempSync(join(tmpdir(), 'lector-serve-')), 'library.db')])).rejects.toMatchObject({
        code: 1,
        killed: false,
        stderr: expect.stringContaining(`lector: port ${port} is in use on 127.0.0.1: choose another with --port, or --port 0 for any free one`),
      })
    } finally {
      taken.close()
    }
  })

  it('refuses to replace an existing --out without --force, before reading anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-force-'))
    const out = join(dir, 'results.csv')
    writeFileSync(out, 'precious')
    const started = Date.now()
    await expect(cli(['run', '--input', dir, '--out', out, '--db', join(dir, 'library.db')])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`lector: ${out} already exists: give --force to replace it, or another --out`),
    })
    expect(readFileSync(out, 'utf8')).toBe('precious')
    expect(existsSync(join(dir, 'library.db'))).toBe(false)
    expect(Date.now() - started).toBeLessThan(60_000)
  })
})
