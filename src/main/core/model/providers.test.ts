import { describe, expect, it } from 'vitest'
import { defaultProviders, openWithFallback } from './providers'

describe('openWithFallback', () => {
  it('skips a provider that throws, records its reason and uses the next one', async () => {
    const chosen = await openWithFallback(['gpu-x', 'cpu'], async (ep) => {
      if (ep === 'gpu-x') throw new Error('/src/ep.cc:12 no device found\nstack…')
      return { ep }
    })
    expect(chosen.provider).toBe('cpu')
    expect(chosen.session).toEqual({ ep: 'cpu' })
    expect(chosen.skipped).toEqual([{ name: 'gpu-x', reason: 'no device found' }])
  })

  it('fails with every reason when no provider works', async () => {
    await expect(
      openWithFallback(['a', 'b'], async (ep) => {
        throw new Error(`${ep} is broken`)
      }),
    ).rejects.toThrow('No execution provider could run the model (a: a is broken; b: b is broken).')
  })

  it('ends every platform list with the CPU provider', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const list = defaultProviders(platform)
      expect(list.at(-1)).toBe('cpu')
      expect(list.length).toBeGreaterThan(1)
    }
  })
})
