// The browser shell's host: the same contract as Electron IPC, over HTTP (requests) and a WebSocket (events).
// It binds to loopback with a random per-run token; the token guards every request that touches data
// (/api and /events), the Host check refuses a request addressed to any name but those the server was bound
// or announced as (DNS rebinding: a page of another site whose name was made to point here), the Origin
// check stops other web pages from driving it through the user's browser (CSRF), and static files are
// served only from inside the renderer build.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isIP, type AddressInfo } from 'node:net'
import { hostname, networkInterfaces } from 'node:os'
import type { Duplex } from 'node:stream'
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Result } from '../../shared/api'
import type { Engine } from '../core/engine'
import { contentSecurityPolicyFor } from '../security'

export interface BridgeOptions {
  engine: Pick<Engine, 'dispatch' | 'events'> & Partial<Pick<Engine, 'exporter'>>
  /** 0 (the default) picks a free port. */
  port?: number
  /** Loopback only unless the user asks otherwise: the token is then the only guard. */
  host?: string
  /** The built renderer (out/renderer). */
  staticDir: string
  /** Defaults to 32 random bytes, hex. */
  token?: string
  /** Origins allowed besides our own, e.g. `http://localhost:9000` for an SSH tunnel on another port. */
  extraOrigins?: string[]
  /**
   * Names the server is reached by besides its addresses (a DNS name of this machine, a proxy's). Requests
   * addressed to any other name are refused. Loopback names, the bound address and, when bound to every
   * interface, this machine's addresses and host name are always accepted.
   */
  hosts?: string[]
}

export interface Bridge {
  /** Open this in a browser: it carries the token. */
  url: string
  /** Every address it can be opened at (bound to every interface: this machine's addresses too), `url` first. */
  urls: string[]
  port: number
  token: string
  close(): Promise<void>
}

/** Request bodies are small JSON objects; anything larger is a mistake or an attack. */
export const MAX_BODY_BYTES = 1024 * 1024
/** A socket that falls this far behind on events is dropped; the renderer reconnects and refetches. */
const MAX_SOCKET_BUFFER_BYTES = 16 * 1024 * 1024
const TOKEN_HEADER = 'x-lector-token'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(32).toString('hex')
  if (token.length < 16) throw new Error('The bridge token must be at least 16 characters long.')
  const tokenDigest = digest(token)
  let staticRoot: string
  try {
    staticRoot = realpathSync(resolve(options.staticDir))
  } catch {
    throw new Error(`The renderer build was not found at ${options.staticDir}: run \`npm run build\` first.`)
  }

  // Filled in once the port is known (port 0 picks one).
  const allowedOrigins = new Set<string>()
  let contentSecurityPolicy = ''
  const wildcard = host === '0.0.0.0' || host === '::'
  const allowedHosts = new Set(['localhost', '127.0.0.1', '[::1]', ...(wildcard ? [] : [bracketed(host)]), ...(options.hosts ?? []).map(bracketed)].map(lower))
  if (wildcard) for (const name of machineHosts()) allowedHosts.add(name)
  for (const origin of options.extraOrigins ?? []) {
    const named = hostOf(origin.replace(/^[a-z]+:\/\//i, ''))
    if (named) allowedHosts.add(named)
  }
  /** The Host header names this server (DNS rebinding sends the attacker's own name); HTTP/1.0 may send none. */
  const hostAllowed = (req: IncomingMessage): boolean => {
    const header = req.headers.host
    if (header === undefined) return true
    const name = hostOf(header)
    return name !== null && allowedHosts.has(name)
  }
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin
    // Non-browser clients (the CLI, curl) send no Origin; browsers always send it on POST and WebSocket.
    // A page's own origin is the address it was opened at: accepted from whatever host it names, once the
    // Host check has let that name through (a page opened from another machine at this one's address).
    return origin === undefined || allowedOrigins.has(origin) || (req.headers.host !== undefined && origin === `http://${req.headers.host.toLowerCase()}`)
  }
  const tokenMatches = (candidate: string | null | undefined): boolean =>
    typeof candidate === 'string' && timingSafeEqual(digest(candidate), tokenDigest)

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err) => {
      console.error('[bridge]', err)
      if (!res.headersSent) sendText(res, 500, 'Internal error')
      else res.destroy()
    })
  })

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return sendText(res, 421, 'Misdirected request: this server is not known by that name')
    const { pathname, search } = splitUrl(req.url ?? '/')
    if (pathname.startsWith('/api/')) return handleApi(req, res, pathname.slice('/api/'.length))
    if (pathname.startsWith('/download/')) return handleDownload(req, res, pathname.slice('/download/'.length), search)
    if (pathname === '/events') return sendText(res, 426, 'Use a WebSocket for /events')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return sendText(res, 405, 'Method not allowed')
    }
    return serveStatic(req, res, pathname)
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, rawName: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store')
    if (!originAllowed(req)) return sendText(res, 403, 'Forbidden origin')
    const header = req.headers[TOKEN_HEADER]
    if (!tokenMatches(Array.isArray(header) ? undefined : header)) return sendText(res, 401, 'Missing or wrong token')
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return sendText(res, 405, 'Method not allowed')
    }
    let name: string
    try {
      name = decodeURIComponent(rawName)
    } catch {
      return sendJson(res, 400, { ok: false, code: 'bad-input', message: 'Malformed request name' })
    }
    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === 'too-large') {
      res.setHeader('Connection', 'close')
      return sendText(res, 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`)
    }
    let input: unknown = {}
    if (body.length > 0) {
      let text: string
      try {
        // Invalid UTF-8 is refused, not read as U+FFFD: what is stored must be what was sent.
        text = utf8.decode(body)
      } catch {
        return sendJson(res, 400, { ok: false, code: 'bad-input', message: 'Request body is not valid UTF-8 text' })
      }
      try {
        input = JSON.parse(text)
      } catch {
        return sendJson(res, 400, { ok: false, code: 'bad-input', message: 'Request body is not valid JSON' })
      }
    }
    let result: Result<unknown>
    try {
      result = await options.engine.dispatch(name, input)
    } catch (err) {
      // The dispatcher turns handler failures into data; reaching here is a bug, but the client still gets data.
      console.error('[bridge]', err)
      result = { ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) }
    }
    return sendJson(res, 200, result)
  }

  /**
   * An export streamed to the browser (the engine may run on another machine than the reviewer's):
   * GET /download/<batchId>.csv|json[?bom=1], token in the header like every request that reads data.
   * The page fetches it and hands the browser a blob to save.
   */
  async function handleDownload(req: IncomingMessage, res: ServerResponse, rest: string, search: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store')
    if (!originAllowed(req)) return sendText(res, 403, 'Forbidden origin')
    const header = req.headers[TOKEN_HEADER]
    if (!tokenMatches(Array.isArray(header) ? undefined : header)) return sendText(res, 401, 'Missing or wrong token')
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET')
      return sendText(res, 405, 'Method not allowed')
    }
    const match = /^([1-9]\d{0,15})\.(csv|json)$/.exec(rest)
    const exporter = options.engine.exporter
    if (!match || !exporter) return sendText(res, 404, 'Not found')
    const batchId = Number(match[1])
    const format = match[2] as 'csv' | 'json'
    const bom = new URLSearchParams(search).get('bom') === '1'
    const list = await options.engine.dispatch('batch:list', {})
    if (!list.ok || !(list.value as Array<{ id: number }>).some((b) => b.id === batchId)) return sendText(res, 404, `There is no batch ${batchId}`)
    res.statusCode = 200
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="lector-batch-${batchId}.${format}"`)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    try {
      await exporter.toStream({ batchId, format, bom }, res)
      res.end()
    } catch (err) {
      console.error('[bridge] export failed', err)
      res.destroy()
    }
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const file = await resolveStatic(staticRoot, pathname)
    if (!file) return sendText(res, 404, 'Not found')
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
    const content = await readFile(file)
    res.statusCode = 200
    res.setHeader('Content-Type', type)
    res.setHeader('Content-Length', content.length)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    // The page URL carries the token: never hand it on as a referrer.
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (type.startsWith('text/html')) {
      res.setHeader('Content-Security-Policy', contentSecurityPolicy)
      res.setHeader('X-Frame-Options', 'DENY')
      res.setHeader('Cache-Control', 'no-store')
    } else {
      res.setHeader('Cache-Control', 'no-cache')
    }
    res.end(req.method === 'HEAD' ? undefined : content)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that hangs up mid-handshake must not take the server down with an unhandled 'error'.
    socket.on('error', () => socket.destroy())
    const { pathname, search } = splitUrl(req.url ?? '/')
    if (!hostAllowed(req)) return refuseUpgrade(socket, 421, 'Misdirected Request')
    if (pathname !== '/events') return refuseUpgrade(socket, 404, 'Not Found')
    if (!originAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden')
    if (!tokenMatches(new URLSearchParams(search).get('token'))) return refuseUpgrade(socket, 401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  wss.on('connection', (ws: WebSocket) => {
    // Events flow one way; anything the page sends is ignored.
    ws.on('error', () => ws.terminate())
  })

  const unsubscribe = options.engine.events.onAny((event, payload) => {
    if (wss.clients.size === 0) return
    const message = JSON.stringify({ event, payload })
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue
      if (ws.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) ws.terminate()
      else ws.send(message)
    }
  })

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', rejectListen)
        resolveListen()
      })
    })
  } catch (err) {
    unsubscribe()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  for (const name of ['127.0.0.1', 'localhost', '[::1]']) allowedOrigins.add(`http://${name}:${port}`)
  const urlHost = wildcard ? '127.0.0.1' : bracketed(host)
  allowedOrigins.add(`http://${urlHost}:${port}`)
  // Bound to every interface: a page opened from another machine comes from one of this one's addresses.
  const others = wildcard ? machineAddresses(host === '::') : []
  for (const name of others) allowedOrigins.add(`http://${name}:${port}`)
  for (const origin of options.extraOrigins ?? []) allowedOrigins.add(origin)
  contentSecurityPolicy = bridgeContentSecurityPolicy(allowedOrigins)
  const withToken = (name: string) => `http://${name}:${port}/?token=${encodeURIComponent(token)}`

  let closing: Promise<void> | undefined
  return {
    url: withToken(urlHost),
    urls: [withToken(urlHost), ...others.map(withToken)],
    port,
    token,
    close() {
      closing ??= new Promise<void>((done) => {
        unsubscribe()
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.close(() => done())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/** Maps a URL path to a regular file inside root, or null. Anything that could leave root is refused. */
export async function resolveStatic(root: string, pathname: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  // NUL truncates paths in C APIs; backslashes are separators on Windows; dot segments and dotfiles are
  // never part of the build. Checked after decoding so `%2e%2e%2f` is caught too.
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/') || decoded.startsWith('//')) return null
  const segments = decoded.slice(1).split('/')
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null
  const rel = decoded === '/' ? 'index.html' : segments.join('/')
  if (rel === '' || rel.endsWith('/') || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return null
  const candidate = join(root, rel)
  if (!isInside(root, candidate)) return null
  try {
    // A symlink inside the build must not lead outside it.
    const real = await realpath(candidate)
    if (!isInside(root, real)) return null
    const info = await stat(real)
    return info.isFile() ? real : null
  } catch {
    return null
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

const lower = (name: string) => name.toLowerCase()

/** An IPv6 address as it stands in a URL or a Host header: in brackets. */
function bracketed(name: string): string {
  return isIP(name) === 6 ? `[${name}]` : name
}

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), lower case; null when malformed. */
function hostOf(header: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header.trim())
  return match ? match[1].toLowerCase() : null
}

/**
 * The addresses another machine reaches this one at, as URL hosts: its interfaces' (not loopback), IPv4 only
 * when bound to 0.0.0.0 (IPv4 alone listens there), without link-local IPv6 (they need a zone to be reached).
 */
function machineAddresses(ipv6: boolean): string[] {
  const found: string[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || (a.family === 'IPv6' && (!ipv6 || /^fe80:/i.test(a.address)))) continue
      found.push(bracketed(a.address))
    }
  }
  return found
}

/** What this machine can be reached as from another one: its host name and its interfaces' addresses. */
function machineHosts(): string[] {
  const names = [hostname()]
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.push(bracketed(a.address.replace(/%.*$/, '')))
  return [...new Set(names.map(lower))]
}

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
  return createHash('sha256').update(value, 'utf8').digest()
}

/**
 * The renderer's policy (security.ts), with the WebSocket origins of the page's allowed origins added to
 * connect-src: the event stream is opened at the page's own host and port. An IPv6 literal has no place in
 * a CSP source (Chromium ignores the source and says so); a page there reaches its socket through 'self'.
 */
export function bridgeContentSecurityPolicy(pageOrigins: Iterable<string>): string {
  const sockets = [...pageOrigins].flatMap((origin) => (/^https?:\/\/[^[]/.test(origin) ? [origin.replace(/^http/, 'ws')] : []))
  return contentSecurityPolicyFor({ connect: sockets })
}

/** Splits the raw request target without URL parsing, which would read `//etc/passwd` as a host name. */
function splitUrl(raw: string): { pathname: string; search: string } {
  const q = raw.indexOf('?')
  return q === -1 ? { pathname: raw, search: '' } : { pathname: raw.slice(0, q), search: raw.slice(q + 1) }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolveBody, rejectBody) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      return resolveBody('too-large')
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        chunks.length = 0
        resolveBody('too-large')
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolveBody(Buffer.concat(chunks))
    })
    req.on('error', (err) => {
      if (!done) rejectBody(err)
    })
  })
}

function sendText(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.end(message)
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
