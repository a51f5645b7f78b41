import { describe, expect, it } from 'vitest'
import { inputKey, listKey, type KeyPress } from './keys'

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code: key.length === 1 ? `Key${key.toUpperCase()}` : key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
})
const inInput = (k: KeyPress, draft: 'none' | 'unchanged' | 'changed' = 'none') => inputKey(k, { draft, pageSize: 8 })
const inList = (k: KeyPress, canType = true) => listKey(k, { canType, pageSize: 8 })

describe('not text', () => {
  it('is Alt+X in the text box and on the list, and x on the list (x in the text box is a letter)', () => {
    expect(inInput(press('≈', { altKey: true, code: 'KeyX' }))).toEqual({ kind: 'not-text' })
    expect(inList(press('x', { altKey: true }))).toEqual({ kind: 'not-text' })
    expect(inList(press('x'))).toEqual({ kind: 'not-text' })
    expect(inInput(press('x'))).toBeNull()
  })
})

describe('keys in the text box', () => {
  it('saves and goes on with Enter, accepts with Ctrl+Enter or Cmd+Enter', () => {
    expect(inInput(press('Enter'))).toEqual({ kind: 'save' })
    expect(inInput(press('Enter', { ctrlKey: true }))).toEqual({ kind: 'accept' })
    expect(inInput(press('Enter', { metaKey: true }))).toEqual({ kind: 'accept' })
  })

  it('moves a line with the arrows and a screenful with PageUp and PageDown', () => {
    expect(inInput(press('ArrowDown'))).toEqual({ kind: 'move', by: 1 })
    expect(inInput(press('ArrowUp'))).toEqual({ kind: 'move', by: -1 })
    expect(inInput(press('PageDown'))).toEqual({ kind: 'move', by: 8 })
    expect(inInput(press('PageUp'))).toEqual({ kind: 'move', by: -8 })
  })

  it('drops an edit with Esc, and leaves the text box with Esc when there is none', () => {
    expect(inInput(press('Escape'), 'changed')).toEqual({ kind: 'drop-draft' })
    expect(inInput(press('Escape'), 'unchanged')).toEqual({ kind: 'drop-draft' })
    expect(inInput(press('Escape'))).toEqual({ kind: 'leave-text' })
  })

  it('undoes the last correction with Ctrl+Z, except while an edit is unsaved (the text box undoes its own typing)', () => {
    expect(inInput(press('z', { ctrlKey: true }))).toEqual({ kind: 'undo' })
    expect(inInput(press('Z', { ctrlKey: true }), 'unchanged')).toEqual({ kind: 'undo' })
    expect(inInput(press('z', { ctrlKey: true }), 'changed')).toBeNull()
  })

  it('opens the examples with Alt+E and the page with Alt+P, by key position whatever character Alt makes', () => {
    expect(inInput(press('€', { altKey: true, code: 'KeyE' }))).toEqual({ kind: 'panel', panel: 'examples' })
    expect(inInput(press('π', { altKey: true, code: 'KeyP' }))).toEqual({ kind: 'panel', panel: 'page' })
    expect(inInput(press('e', { altKey: true, ctrlKey: true }))).toBeNull()
  })

  it('leaves typing, j and k, and the search key to the text box', () => {
    for (const key of ['j', 'k', 'a', '/', 'x', 'Backspace', 'Home']) expect(inInput(press(key))).toBeNull()
  })
})

describe('keys on the list', () => {
  it('moves with j, k and the arrows, by a screenful with PageUp and PageDown, to the ends with Home and End', () => {
    expect(inList(press('j'))).toEqual({ kind: 'move', by: 1 })
    expect(inList(press('ArrowDown'))).toEqual({ kind: 'move', by: 1 })
    expect(inList(press('k'))).toEqual({ kind: 'move', by: -1 })
    expect(inList(press('ArrowUp'))).toEqual({ kind: 'move', by: -1 })
    expect(inList(press('PageDown'))).toEqual({ kind: 'move', by: 8 })
    expect(inList(press('PageUp'))).toEqual({ kind: 'move', by: -8 })
    expect(inList(press('Home'))).toEqual({ kind: 'move-to', place: 'first' })
    expect(inList(press('End'))).toEqual({ kind: 'move-to', place: 'last' })
  })

  it('edits with Enter, F2 or i, accepts with a, undoes with u or Ctrl+Z', () => {
    for (const key of ['Enter', 'F2', 'i']) expect(inList(press(key))).toEqual({ kind: 'edit' })
    expect(inList(press('a'))).toEqual({ kind: 'accept' })
    expect(inList(press('u'))).toEqual({ kind: 'undo' })
    expect(inList(press('z', { ctrlKey: true }))).toEqual({ kind: 'undo' })
  })

  it('opens the panels with e and p or Alt+E and Alt+P, closes them with Esc, and searches with /', () => {
    expect(inList(press('e'))).toEqual({ kind: 'panel', panel: 'examples' })
    expect(inList(press('p'))).toEqual({ kind: 'panel', panel: 'page' })
    expect(inList(press('e', { altKey: true }))).toEqual({ kind: 'panel', panel: 'examples' })
    expect(inList(press('Escape'))).toEqual({ kind: 'close-panel' })
    expect(inList(press('/'))).toEqual({ kind: 'search' })
  })

  it('starts correcting the focused line with any other character, if it can be corrected', () => {
    expect(inList(press('T'))).toEqual({ kind: 'type', char: 'T' })
    expect(inList(press('7'))).toEqual({ kind: 'type', char: '7' })
    expect(inList(press('T'), false)).toBeNull()
    expect(inList(press('t', { ctrlKey: true }))).toBeNull()
    expect(inList(press('Tab'))).toBeNull()
  })
})
