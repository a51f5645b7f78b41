import { describe, expect, it } from 'vitest'
import type { LineState } from './line-state'
import { Reader } from './reread'
import { defaultContextSettings } from './settings'
import type { ContextState } from './state'

/** One line: characters on frames 0 and 4, a gap queried on frame 2 between them. */
function lineWithGap(): LineState {
  return {
    id: 7,
    corrected: null,
    queried: Int32Array.of(0, 2, 4),
    gap: Uint8Array.of(0, 1, 0),
    row: Int32Array.of(0, 0, 1),
    frames: { frames: 5, k: 1, topIndex: Uint16Array.of(5, 0, 0, 0, 6), topProb: Float32Array.of(0.9, 0.9, 0.9, 0.9, 0.9) },
  } as unknown as LineState
}

describe('what a correction sends to be fused again', () => {
  it('includes a gap whose unanimous vote only gained weight: its gate reads the nearest neighbour, which may have moved', () => {
    const line = lineWithGap()
    const state = {
      settings: defaultContextSettings,
      lines: new Map([[line.id, line]]),
      stores: { neighbour: () => () => ({ count: 0, at: 0, sims: new Float32Array(0), ids: new Int32Array(0) }) },
    } as unknown as ContextState
    const touched = new Reader(state).unitsToFuse(new Map(), new Map([[line.id, [1]]]))
    expect(touched.get(line.id)).toEqual([1])
  })
})
