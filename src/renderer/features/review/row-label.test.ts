import { describe, expect, it } from 'vitest'
import type { LineRow } from '../../../shared/api'
import { rowId, rowLabel } from './row-label'

const line = (over: Partial<LineRow> = {}): LineRow => ({
  id: 12,
  batchId: 1,
  index: 3,
  file: 'receipt-004.png',
  state: 'read',
  text: 'TOTAL 12.50',
  source: 'model',
  modelText: 'TOTAL 12.50',
  confidence: 0.934,
  examples: [],
  error: null,
  charConfidences: [],
  review: null,
  page: null,
  quad: null,
  notText: false,
  likelyJunk: false,
  ...over,
})

describe('a row as a screen reader hears it', () => {
  it('is named by a stable id from its line, which the listbox points at as its active descendant', () => {
    expect(rowId(12)).toBe('line-12')
  })

  it('says the text, how sure the engine is, and the file', () => {
    expect(rowLabel(line(), undefined)).toBe('TOTAL 12.50; 93% sure; receipt-004.png')
  })

  it('flags a line below the low-confidence mark as worth a look, as the screen does in colour', () => {
    expect(rowLabel(line({ confidence: 0.41 }), undefined)).toBe('TOTAL 12.50; 41% sure, worth a look; receipt-004.png')
  })

  it('says what context changed and what the model had read', () => {
    expect(rowLabel(line({ source: 'context', text: 'TOTAL', modelText: 'total', confidence: 0.9 }), undefined)).toBe(
      'TOTAL; changed by context from total, 90% sure; receipt-004.png',
    )
  })

  it('tells a correction from an accepted line', () => {
    expect(rowLabel(line({ source: 'human', review: 'typed' }), undefined)).toBe('TOTAL 12.50; corrected by you; receipt-004.png')
    expect(rowLabel(line({ source: 'human', review: 'accepted' }), undefined)).toBe('TOTAL 12.50; accepted as read; receipt-004.png')
  })

  it('mentions an unsaved edit, but not a draft equal to the text', () => {
    expect(rowLabel(line(), 'TOTAL 12.80')).toBe('TOTAL 12.50; 93% sure; unsaved edit: TOTAL 12.80; receipt-004.png')
    expect(rowLabel(line(), 'TOTAL 12.50')).toBe('TOTAL 12.50; 93% sure; receipt-004.png')
  })

  it('says a line is being read, or why it could not be, and its page in a document', () => {
    expect(rowLabel(line({ state: 'pending', text: '', page: 2 }), undefined)).toBe('being read; receipt-004.png, page 2')
    expect(rowLabel(line({ state: 'failed', text: '', error: 'corrupt PNG' }), undefined)).toBe('could not be read: corrupt PNG; receipt-004.png')
  })

  it('says "no text" for an empty reading rather than nothing', () => {
    expect(rowLabel(line({ text: '  ' }), undefined)).toBe('no text; 93% sure; receipt-004.png')
  })
})
