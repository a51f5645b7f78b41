import { describe, expect, it, vi } from 'vitest'
import { createDispatcher, type Handlers } from './dispatch'
import { LectorError } from './errors'
import { fakeHandlers } from '../../../tests/fixtures/fake-handlers'

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return fakeHandlers({
    'batch:list': () => [],
    'batch:lines': (input) => ({ total: 0, rows: [], echo: input }) as never,
    ...overrides,
  })
}

describe('the contract at the boundary', () => {
  it('refuses a request name that is not in the contract', async () => {
    const dispatch = createDispatcher(handlers())
    expect(await dispatch('fs:readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      code: 'unknown-request',
      message: 'Unknown request: fs:readFile',
    })
    expect((await dispatch('__proto__', {})).ok).toBe(false)
    expect((await dispatch(42, {})).ok).toBe(false)
  })

  it('refuses malformed input before any handler runs', async () => {
    const openFolder = vi.fn()
    const dispatch = createDispatcher(handlers({ 'batch:openFolder': openFolder }))
    for (const bad of [{}, { path: '' }, { path: 'a\0b' }, { path: 7 }, { path: '/x', extra: true }, null, 'str', [1]]) {
      const result = await dispatch('batch:openFolder', bad)
      expect(result).toMatchObject({ ok: false, code: 'bad-input' })
    }
    expect(openFolder).not.toHaveBeenCalled()
    const lines = await dispatch('batch:lines', { batchId: -1 })
    expect(lines).toMatchObject({ ok: false, code: 'bad-input', message: expect.stringContaining('batchId') })
    expect(await dispatch('batch:lines', { batchId: 1, limit: 100_000 })).toMatchObject({ ok: false, code: 'bad-input' })
  })

  it('passes parsed input with defaults to the handler', async () => {
    const dispatch = createDispatcher(handlers())
    expect(await dispatch('batch:lines', { batchId: 3 })).toEqual({
      ok: true,
      value: { total: 0, rows: [], echo: { batchId: 3, offset: 0, limit: 100, order: 'document', filter: 'all', search: '' } },
    })
  })

  it('turns thrown errors into data: a user error keeps its code, anything else is internal', async () => {
    const log = vi.fn()
    const dispatch = createDispatcher(
      handlers({
        'batch:list': () => {
          throw new LectorError('not-found', 'no such batch')
        },
        'engine:status': () => {
          throw new TypeError('x is undefined')
        },
      }),
      log,
    )
    expect(await dispatch('batch:list', {})).toEqual({ ok: false, code: 'not-found', message: 'no such batch' })
    expect(await dispatch('engine:status', {})).toEqual({ ok: false, code: 'internal', message: 'x is undefined' })
    expect(log).toHaveBeenCalledTimes(1)
  })
})
