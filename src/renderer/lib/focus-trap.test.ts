import { describe, expect, it } from 'vitest'
import { nextStop, tabStops, type RadioOf } from './focus-trap'

interface Fake {
  id: string
  radio?: { name: string; checked: boolean }
}
const radioOf: RadioOf<Fake> = (e) => e.radio ?? null
const ids = (elements: Fake[]) => elements.map((e) => e.id)

const csv = { id: 'csv', radio: { name: 'format', checked: false } }
const json = { id: 'json', radio: { name: 'format', checked: true } }
const bom = { id: 'bom' }
const path = { id: 'path' }
const save = { id: 'save' }
const close = { id: 'close' }

describe('the tab stops of a dialog', () => {
  it('are its controls in order, with only the checked radio button of a group', () => {
    expect(ids(tabStops([csv, json, bom, path, save, close], radioOf))).toEqual(['json', 'bom', 'path', 'save', 'close'])
  })

  it('take the first radio button of a group where none is checked', () => {
    const a = { id: 'a', radio: { name: 'g', checked: false } }
    const b = { id: 'b', radio: { name: 'g', checked: false } }
    expect(ids(tabStops([path, a, b], radioOf))).toEqual(['path', 'a'])
  })
})

describe('Tab inside a trapped dialog', () => {
  const stops = [json, bom, path, save, close]

  it('goes to the next control, and from the last back round to the first', () => {
    expect(nextStop(stops, bom, false)).toBe(path)
    expect(nextStop(stops, close, false)).toBe(json)
  })

  it('goes back with Shift, and from the first round to the last', () => {
    expect(nextStop(stops, path, true)).toBe(bom)
    expect(nextStop(stops, json, true)).toBe(close)
  })

  it('brings a focus that is outside the dialog (or nowhere) back to its first control, or its last with Shift', () => {
    expect(nextStop(stops, { id: 'behind' }, false)).toBe(json)
    expect(nextStop(stops, null, true)).toBe(close)
  })

  it('goes nowhere in a dialog with nothing to focus', () => {
    expect(nextStop([], null, false)).toBeNull()
  })
})
