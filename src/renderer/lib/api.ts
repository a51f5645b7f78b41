// The renderer's one way to the engine. It picks its transport itself: the Electron preload's
// `window.lector` when present, otherwise the browser bridge (HTTP for requests, a WebSocket for events)
// with the token from the page URL. Every failure comes back as `{ ok: false, message }`, never a throw.
import type { ApiInput, ApiName, ApiOutput, LectorClient, Result } from '../../shared/api'
import { createEmitter } from '../../shared/emitter'
import { isEventName, type EventName, type EventPayload, type Events } from '../../shared/events'
import type { PreloadApi } from '../../shared/preload-api'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface Client extends LectorClient {
  kind: 'electron' | 'bridge' | 'none'
  /** The native folder picker; only the Electron shell has one. */
  pickFolder?: () => Promise<string | null>
  /** The native save dialog; only the Electron shell has one. */
  pickSaveFile?: (defaultName: string) => Promise<string | null>
  /** Paths of dropped files; only the Electron shell can tell (a browser never reveals them). */
  pathsForFiles?: (files: ArrayLike<File>) => string[]
  /** Streams an export from the engine and hands it to the browser to save; only the browser shell. */
  download?: (batchId: number, format: 'csv' | 'json', bom: boolean) => Promise<Result<{ bytes: number }>>
  /** The event stream's state; the UI refetches after a reconnect, since events may have been missed. */
  connection: () => ConnectionState
  onConnection: (listener: (state: ConnectionState) => void) => () => void
}

/** How long to wait before reconnecting the event stream: doubles per failure, capped. */
const RECONNECT_MIN_MS = 250
const RECONNECT_MAX_MS = 5_000

export function createClient(win: Window = window): Client {
  const preload = (win as Window & { lector?: PreloadApi }).lector
  if (preload) return electronClient(preload)
  if (win.location.protocol === 'http:' || win.location.protocol === 'https:') return bridgeClient(win)
  return offlineClient('This page is not connected to an engine: open it from the Lector app or the URL `npm run serve` prints.')
}

function electronClient(lector: PreloadApi): Client {
  return {
    kind: 'electron',
    call: (name, input) => lector.call(name, input),
    on: (event, listener) => lector.on(event, listener),
    pickFolder: typeof lector.pickFolder === 'function' ? () => lector.pickFolder() : undefined,
    pickSaveFile: typeof lector.pickSaveFile === 'function' ? (name) => lector.pickSaveFile(name) : undefined,
    pathsForFiles: typeof lector.pathsForFiles === 'function' ? (files) => lector.pathsForFiles(files) : undefined,
    connection: () => 'open',
    onConnection: () => () => {},
  }
}

function offlineClient(message: string): Client {
  return {
    kind: 'none',
    call: async () => ({ ok: false, code: 'unavailable', message }),
    on: () => () => {},
    connection: () => 'closed',
    onConnection: () => () => {},
  }
}

function bridgeClient(win: Window): Client {
  const token = new URLSearchParams(win.location.search).get('token') ?? ''
  const events = createEmitter<Events>()
  const stateChanges = createEmitter<{ changed: ConnectionState }>()
  let state: ConnectionState = 'connecting'
  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    stateChanges.emit('changed', next)
  }

  let failures = 0
  const connect = () => {
    const url = new URL('events', win.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.search = `?token=${encodeURIComponent(token)}`
    const ws = new WebSocket(url)
    ws.onopen = () => {
      failures = 0
      setState('open')
    }
    ws.onmessage = (message) => {
      let data: unknown
      try {
        data = JSON.parse(String(message.data))
      } catch {
        return
      }
      if (typeof data !== 'object' || data === null) return
      const { event, payload } = data as { event?: unknown; payload?: unknown }
      if (isEventName(event)) events.emit(event, payload as Events[typeof event])
    }
    ws.onclose = () => {
      setState('closed')
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures++)
      win.setTimeout(connect, delay)
    }
  }
  connect()

  return {
    kind: 'bridge',
    async call<K extends ApiName>(name: K, input: ApiInput<K>): Promise<Result<ApiOutput<K>>> {
      let res: Response
      try {
        res = await fetch(new URL(`api/${name}`, win.location.href), {
          method: 'POST',
          headers: { 'x-lector-token': token, 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        })
      } catch (err) {
        return { ok: false, code: 'unavailable', message: `Cannot reach the engine: ${errorText(err)}` }
      }
      const text = await res.text().catch(() => '')
      try {
        const data = JSON.parse(text) as Result<ApiOutput<K>>
        if (data && typeof data === 'object' && typeof data.ok === 'boolean') return data
      } catch {
        // not JSON: a transport refusal, described below
      }
      if (res.status === 401) {
        return {
          ok: false,
          code: 'unavailable',
          message: 'The engine refused this page: its URL has no valid token. Open the exact link the server printed.',
        }
      }
      return { ok: false, code: 'unavailable', message: `The engine answered HTTP ${res.status}: ${text.slice(0, 200)}` }
    },
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => events.on(event, listener),
    connection: () => state,
    onConnection: (listener) => stateChanges.on('changed', listener),
    async download(batchId, format, bom) {
      const url = new URL(`download/${batchId}.${format}${bom ? '?bom=1' : ''}`, win.location.href)
      let res: Response
      try {
        res = await fetch(url, { headers: { 'x-lector-token': token } })
      } catch (err) {
        return { ok: false, code: 'unavailable', message: `Cannot reach the engine: ${errorText(err)}` }
      }
      if (!res.ok) return { ok: false, code: 'unavailable', message: `The engine answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}` }
      const blob = await res.blob()
      const link = win.document.createElement('a')
      link.href = URL.createObjectURL(blob)
      link.download = `lector-batch-${batchId}.${format}`
      win.document.body.append(link)
      link.click()
      link.remove()
      win.setTimeout(() => URL.revokeObjectURL(link.href), 60_000)
      return { ok: true, value: { bytes: blob.size } }
    },
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
