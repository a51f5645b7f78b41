import { describe, expect, it } from 'vitest'
import { loadRecModel } from '../model/manifest'
import { parseAlphabet } from './alphabet'
import { classMap, foldText, proposeScripts, scriptOf, scriptsIn } from './scripts'

const model = loadRecModel()
const alphabet = parseAlphabet(model.alphabetText, { spaceAtEnd: model.manifest.ctc.spaceAtEnd })
const as = (map: Int32Array | null, ch: string) => {
  const c = map![alphabet.indexOf(ch)]
  return c < 0 ? null : c === alphabet.space ? ' ' : alphabet.char(c)
}

describe("a batch's scripts", () => {
  it('files each character of the alphabet under a script, or none for what every script shares', () => {
    expect(['A', 'é', 'Ⅱ', '开', '￥', '，', '（', 'Ｇ', 'の', 'ㄱ', '〒', 'π', 'Я', '7', '.', '%', '¥', '°'].map(scriptOf)).toEqual([
      'latin', 'latin', 'latin', 'cjk', 'cjk', 'cjk', 'cjk', 'cjk', 'cjk', 'cjk', 'cjk', 'greek', 'cyrillic', null, null, null, null, null,
    ])
    expect([...scriptsIn('TOTAL 开 12.50')]).toEqual(['latin', 'cjk'])
  })

  it('in a Latin batch: no CJK class is a candidate, full-width forms read as the ASCII they stand for', () => {
    const latin = classMap(alphabet, ['latin'])
    expect(['A', '开', '〓', '（', '，', 'Ｇ', 'ｉ', '￥', '　', '7', 'π', 'Я'].map((ch) => as(latin, ch))).toEqual([
      'A', null, null, '(', ',', 'G', 'i', '¥', ' ', '7', null, null,
    ])
    expect(latin![alphabet.blank]).toBe(alphabet.blank)
    expect(foldText('（s）：Ｇ', ['latin'])).toBe('(s):G')
    // With CJK, nothing is folded; with every script, nothing changes at all.
    const mixed = classMap(alphabet, ['latin', 'cjk'])
    expect(['（', '开', 'π'].map((ch) => as(mixed, ch))).toEqual(['（', '开', null])
    expect(classMap(alphabet, ['latin', 'cjk', 'greek', 'cyrillic'])).toBeNull()
  })

  it('proposes the scripts read with confidence often enough, not a speck read as 开', () => {
    const sure = (text: string) => ({ text, charConfidences: Array.from(text, () => 0.99) })
    const english = Array.from({ length: 40 }, (_, i) => sure(`TOTAL RM ${i}.50 CASH`))
    expect(proposeScripts([...english, sure('开'), sure('￥')])).toEqual(['latin'])
    const chinese = Array.from({ length: 40 }, () => sure('合计 金额 12.50'))
    expect(proposeScripts([...chinese, ...english.slice(0, 10)])).toEqual(['latin', 'cjk'])
    // Digits and punctuation only: Latin.
    expect(proposeScripts([sure('12.50'), sure('-')])).toEqual(['latin'])
  })
})
