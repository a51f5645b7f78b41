import { useEffect, useState } from 'react'
import { useClient } from '../../lib/client'

/** A row must stay on screen this long before its crop is asked for: a fast scroll fetches nothing. */
const SETTLE_MS = 120

/** A line's display crop, fetched once per line and kept in `cache` (crops never change once cut). */
export function useCrop(lineId: number | undefined, wanted: boolean, cache: Map<number, string>): { src?: string; error?: string } {
  const client = useClient()
  const [state, setState] = useState<{ id?: number; src?: string; error?: string }>({})
  const cached = lineId === undefined ? undefined : cache.get(lineId)
  useEffect(() => {
    if (lineId === undefined || !wanted || cache.has(lineId)) return
    let live = true
    const timer = setTimeout(() => {
      void client.call('line:crop', { lineId }).then((result) => {
        if (result.ok) cache.set(lineId, result.value.dataUrl)
        if (!live) return
        if (result.ok) setState({ id: lineId, src: result.value.dataUrl })
        else setState({ id: lineId, error: result.message })
      })
    }, SETTLE_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, lineId, wanted, cache])
  if (cached) return { src: cached }
  return state.id === lineId ? state : {}
}
