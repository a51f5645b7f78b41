import { describe, expect, it } from 'vitest'
import { characterRecall, score } from './metrics'

describe('metrics', () => {
  it('never counts a composed and a decomposed form of the same text as an error', () => {
    expect(score([{ truth: 'scho\u0308n', read: 'schön' }])).toMatchObject({ exact: 100, cer: 0 })
  })

  it('counts each new character of the truth as read only where the reading has it at the same place', () => {
    const isNew = (g: string) => ['ſ', 'ß', 'u\u0364'].includes(g)
    const recall = characterRecall(
      [
        { truth: 'ſo iſt es', read: 'ſo ift es' },
        { truth: 'groß', read: 'grofs' },
        { truth: 'zu\u0364 ſich', read: 'zu\u0364 ſich' },
        { truth: 'nichts', read: 'ſ' },
      ],
      isNew,
    )
    expect(recall).toEqual([
      { char: 'ſ', count: 3, read: 2 },
      { char: 'u\u0364', count: 1, read: 1 },
      { char: 'ß', count: 1, read: 0 },
    ])
  })
})
