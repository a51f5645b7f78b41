import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackgroundWrites } from './background-writes'
import { createEventBus } from './event-bus'

describe('writes nobody waits on', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setUp() {
    const events = createEventBus()
    const seen: string[] = []
    events.on('save:failed', (e) => seen.push(`failed ${e.batchId}: ${e.message}`))
    events.on('save:recovered', () => seen.push('recovered'))
    return { writes: createBackgroundWrites({ events, settings: { firstRetryMs: 1000, maxRetryMs: 4000 } }), seen }
  }

  it('tells a failure once, retries it with a growing wait, and tells when it went through', () => {
    const { writes, seen } = setUp()
    let room = false
    let tries = 0
    const save = () => {
      tries++
      if (room) writes.succeeded('decision:1')
      else writes.failed('decision:1', 'the disk is full', save, 1)
    }
    save()
    expect(seen).toEqual(['failed 1: the disk is full'])
    vi.advanceTimersByTime(1000)
    expect(tries).toBe(2)
    vi.advanceTimersByTime(1999)
    expect(tries).toBe(2)
    vi.advanceTimersByTime(1)
    expect(tries).toBe(3)
    vi.advanceTimersByTime(4000 * 3)
    expect(tries).toBe(6) // the wait stops growing at 4 s
    expect(seen).toEqual(['failed 1: the disk is full'])
    expect(writes.trouble()).toBe('the disk is full')
    room = true
    vi.advanceTimersByTime(4000)
    expect(tries).toBe(7)
    expect(seen).toEqual(['failed 1: the disk is full', 'recovered'])
    expect(writes.trouble()).toBeNull()
    vi.advanceTimersByTime(60_000)
    expect(tries).toBe(7)
  })

  it('tries what is pending at once when a write the reviewer waited on went through', () => {
    const { writes, seen } = setUp()
    let room = false
    const save = () => (room ? writes.succeeded('reading:2') : writes.failed('reading:2', 'reading stopped', save, 2))
    save()
    room = true
    writes.succeeded()
    expect(seen).toEqual(['failed 2: reading stopped', 'recovered'])
  })

  it('keeps only the latest retry of a key, and none once closed', () => {
    const { writes } = setUp()
    const calls: string[] = []
    writes.failed('decision:3', 'full', () => calls.push('old'))
    writes.failed('decision:3', 'full', () => calls.push('new'))
    vi.advanceTimersByTime(1000)
    expect(calls).toEqual(['new'])
    writes.close()
    vi.advanceTimersByTime(60_000)
    expect(calls).toEqual(['new'])
  })
})
