import { describe, expect, it } from 'vitest'
import type { CorrectionEffect } from '../../../shared/api'
import { effortCurve } from './effort-curve'

const point = (shown: number | null, model = 4): CorrectionEffect => ({
  at: '',
  lineId: 1,
  kind: shown === null ? 'undo' : 'typed',
  changed: 0,
  updateMs: 1,
  trust: 1,
  unreviewedConfidence: 0.9,
  probablyWrong: 0,
  effort: shown === null ? undefined : { shown, model },
})

describe('the learning curve', () => {
  it('averages what the reviewer typed per line, as shown and as the model read it, by tenths of the corrections', () => {
    const history = [...Array.from({ length: 10 }, () => point(4)), ...Array.from({ length: 10 }, () => point(1))]
    const curve = effortCurve(history)
    expect(curve).toHaveLength(10)
    expect(curve[0]).toEqual({ count: 2, shown: 4, model: 4 })
    expect(curve[9]).toEqual({ count: 2, shown: 1, model: 4 })
  })

  it('leaves out undos, and is empty before any correction', () => {
    expect(effortCurve([])).toEqual([])
    expect(effortCurve([point(null), point(2)])).toEqual([{ count: 1, shown: 2, model: 4 }])
  })
})
