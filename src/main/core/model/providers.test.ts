import { describe, expect, it } from 'vitest'
import { loadRecognizer } from '../recognize/recognizer'
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

describe('loadRecognizer', () => {
  it('falls back past an execution provider ONNX Runtime does not have, and says why', async () => {
    const recognizer = await loadRecognizer({ providers: ['no-such-provider', 'cpu'] })
    try {
      expect(recognizer.provider).toBe('cpu')
      expect(recognizer.skippedProviders).toHaveLength(1)
      expect(recognizer.skippedProviders[0].name).toBe('no-such-provider')
      expect(recognizer.skippedProviders[0].reason).toMatch(/no-such-provider/)
      expect(recognizer.model.id).toMatch(/^ppocrv4-rec:[0-9a-f]{12}$/)
      expect(recognizer.alphabet.size).toBe(6625)
    } finally {
      await recognizer.release()
    }
  })
})
