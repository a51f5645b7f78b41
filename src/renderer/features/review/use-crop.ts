import { useEffect, useState } from 'react'
import { useClient } from '../../lib/client'

/** A line's display crop, fetched once per line and kept in `cache` (crops never change once cut). */
export function useCrop(lineId: number | undefined, wanted: boolean, cache: Map<number, string>): { src?: string; error?: string } {
  const client = useClient()
  const [state, setState] = useState<{ id?: number; src?: string; error?: string }>({})
  const cached = lineId === undefined ? undefined : cache.get(lineId)
  useEffect(() => {
    if (lineId === undefined || !wanted || cache.has(lineId)) return
    let live = true
    void client.call('line:crop', { lineId }).then((result) => {
      if (!live) return
      if (result.ok) {
        cache.set(lineId, result.value.dataUrl)
        setState({ id: lineId, src: result.value.dataUrl })
      } else setState({ id: lineId, error: result.message })
    })
    return () => {
      live = false
    }
  }, [client, lineId, wanted, cache])
  if (cached) return { src: cached }
  return state.id === lineId ? state : {}
}
