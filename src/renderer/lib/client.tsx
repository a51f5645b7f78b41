// React access to the engine client: a provider (no module-level singleton, so a test can pass a fake),
// an event hook, and a query hook that refetches on demand, coalesced, dropping stale replies.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import type { ApiInput, ApiName, ApiOutput, Result } from '../../shared/api'
import type { EventName, EventPayload } from '../../shared/events'
import type { Client, ConnectionState } from './api'

/** Bursts of events (a batch recognising hundreds of lines) collapse into at most one refetch per interval. */
const REFETCH_DEBOUNCE_MS = 50

const ClientContext = createContext<Client | null>(null)

export function ClientProvider({ client, children }: { client: Client; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>
}

export function useClient(): Client {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside <ClientProvider>')
  return client
}

/** Subscribes to one engine event for the component's lifetime; the latest listener is always called. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const client = useClient()
  const latest = useRef(listener)
  latest.current = listener
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event])
}

export function useConnection(): ConnectionState {
  const client = useClient()
  const [state, setState] = useState(client.connection())
  useEffect(() => {
    setState(client.connection())
    return client.onConnection(setState)
  }, [client])
  return state
}

export interface Query<T> {
  /** The latest reply for the current input; undefined until the first one arrives. */
  result: Result<T> | undefined
  /** Asks again (coalesced); the reply replaces `result` only if no newer request was made since. */
  refetch: () => void
}

/** Calls `name` with `input` (null = don't call), again whenever the input changes or the event stream reconnects. */
export function useQuery<K extends ApiName>(name: K, input: ApiInput<K> | null): Query<ApiOutput<K>> {
  const client = useClient()
  const key = input === null ? null : JSON.stringify(input)
  const [reply, setReply] = useState<{ key: string; result: Result<ApiOutput<K>> } | null>(null)
  const sequence = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const run = useCallback(() => {
    if (key === null) return
    const mine = ++sequence.current
    void client.call(name, JSON.parse(key) as ApiInput<K>).then((result) => {
      if (mine === sequence.current) setReply({ key, result })
    })
  }, [client, name, key])

  // On a new input or unmount: no reply of a request made before counts, and no refetch is pending. The
  // counter is read when this runs (the newest request's number), not when the effect was set up.
  const dropPending = useCallback(() => {
    sequence.current++
    clearTimeout(timer.current)
    timer.current = undefined
  }, [])

  useEffect(() => {
    run()
    return dropPending
  }, [run, dropPending])

  // Coalesces rather than postpones: under a steady stream of events a refetch still happens every interval.
  const refetch = useCallback(() => {
    if (timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      run()
    }, REFETCH_DEBOUNCE_MS)
  }, [run])

  useEffect(() => {
    let previous = client.connection()
    return client.onConnection((state) => {
      if (state === 'open' && previous === 'closed') refetch()
      previous = state
    })
  }, [client, refetch])

  return { result: reply && reply.key === key ? reply.result : undefined, refetch }
}
