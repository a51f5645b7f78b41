import { describe, expect, it } from 'vitest'
import { unreviewedSummary } from './unreviewed-summary'

describe('what the panel says of the unreviewed lines', () => {
  it('says nothing while none of them has been read, rather than "0% sure" and "none"', () => {
    expect(unreviewedSummary({ read: 0, reviewed: 0, unreviewedConfidence: 0, probablyWrong: 0 })).toEqual({ sure: '—', probablyWrong: '—' })
  })

  it('gives their mean confidence and the estimate once some are read', () => {
    expect(unreviewedSummary({ read: 120, reviewed: 20, unreviewedConfidence: 0.934, probablyWrong: 40.4 })).toEqual({
      sure: '93% sure',
      probablyWrong: 'about 40 lines',
    })
    expect(unreviewedSummary({ read: 3, reviewed: 1, unreviewedConfidence: 0.99, probablyWrong: 0.3 }).probablyWrong).toBe('under 1 line')
    expect(unreviewedSummary({ read: 3, reviewed: 1, unreviewedConfidence: 0.99, probablyWrong: 0 }).probablyWrong).toBe('none')
  })
})
