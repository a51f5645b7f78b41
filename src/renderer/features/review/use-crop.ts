import { useEffect, useState } from 'react'
import { LruCache } from '../../lib/lru'
import { useClient } from '../../lib/client'

/** A row must stay on screen this long before its crop is asked for: a fast scroll fetches nothing. */
const SETTLE_MS = 120

/**
 * Crops kept per batch. A display crop is a PNG data URL of up to 96 × 2,000 px (tens of KB), so an
 * unbounded cache grew by gigabytes over a 50,000-line batch. 400 covers a tall window's rows and
 * overscan several screens back, plus the examples and page panels; 32 MB (of characters) caps wide crops.
 */
export const CROP_CACHE_LIMITS = { maxEntries: 400, maxWeight: 32 * 1024 * 1024 }

/** Display crops by line id, least recently shown forgotten first. Data URLs: nothing to revoke. */
export type CropCache = LruCache<number, string>

export function createCropCache(): CropCache {
  return new LruCache<number, string>({ ...CROP_CACHE_LIMITS, weigh: (dataUrl) => dataUrl.length })
}

/** A line's display crop, fetched once while it stays in `cache` (crops never change once cut). */
export function useCrop(lineId: number | undefined, wanted: boolean, cache: CropCache): { src?: string; error?: string } {
  const client = useClient()
  const [state, setState] = useState<{ id?: number; src?: string; error?: string }>({})
  // Reading at render marks the crop as used, so the crops on screen are the last to be forgotten.
  const cached = lineId === undefined ? undefined : cache.get(lineId)
  useEffect(() => {
    if (lineId === undefined || !wanted || cached !== undefined) return
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
    // `cached` going back to undefined (forgotten while shown) fetches the crop again.
  }, [client, lineId, wanted, cache, cached])
  if (cached) return { src: cached }
  return state.id === lineId ? state : {}
}
