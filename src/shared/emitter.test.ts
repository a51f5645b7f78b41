import { describe, expect, it, vi } from 'vitest'
import { createEmitter } from './emitter'

type Map = { 'a:happened': { n: number }; 'b:happened': string }

describe('createEmitter', () => {
  it('delivers an event to its own listeners, then to every-event listeners', () => {
    const emitter = createEmitter<Map>()
    const heard: string[] = []
    emitter.onAny((event, payload) => heard.push(`any ${String(event)} ${JSON.stringify(payload)}`))
    emitter.on('a:happened', (p) => heard.push(`a ${p.n}`))
    emitter.on('b:happened', (p) => heard.push(`b ${p}`))
    emitter.emit('a:happened', { n: 1 })
    expect(heard).toEqual(['a 1', 'any a:happened {"n":1}'])
  })

  it('stops delivering to a listener once it unsubscribes, and keeps delivering to the others', () => {
    const emitter = createEmitter<Map>()
    const gone = vi.fn()
    const stays = vi.fn()
    const goneAny = vi.fn()
    const off = emitter.on('b:happened', gone)
    const offAny = emitter.onAny(goneAny)
    emitter.on('b:happened', stays)
    off()
    offAny()
    emitter.emit('b:happened', 'x')
    expect(gone).not.toHaveBeenCalled()
    expect(goneAny).not.toHaveBeenCalled()
    expect(stays).toHaveBeenCalledWith('x')
  })

  it('lets a throwing listener reach the caller when no error handler is given', () => {
    const emitter = createEmitter<Map>()
    const after = vi.fn()
    emitter.on('b:happened', () => {
      throw new Error('boom')
    })
    emitter.on('b:happened', after)
    expect(() => emitter.emit('b:happened', 'x')).toThrow('boom')
    expect(after).not.toHaveBeenCalled()
  })

  it('reports a throwing listener to its error handler and still runs the others', () => {
    const onListenerError = vi.fn()
    const emitter = createEmitter<Map>({ onListenerError })
    const after = vi.fn()
    const any = vi.fn()
    emitter.on('b:happened', () => {
      throw new Error('boom')
    })
    emitter.on('b:happened', after)
    emitter.onAny(any)
    emitter.emit('b:happened', 'x')
    expect(onListenerError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), 'b:happened')
    expect(after).toHaveBeenCalledWith('x')
    expect(any).toHaveBeenCalledWith('b:happened', 'x')
  })
})
