// Which key does what on the review screen, as pure functions of the key and a little context: the
// keyboard flow in one place, testable without a screen. use-review.ts carries the commands out.
//
// Text box (the focused line, default): type to correct · Enter save and next · Ctrl+Enter accept and
// next · ↑/↓ move (an unsaved edit is kept as a draft) · Esc drop the edit, again to leave the box ·
// Ctrl+Z undo the last correction · Alt+X not text (again: text after all) · Alt+E examples · Alt+P page.
// List (after Esc): j/↓ k/↑ move · PageUp/PageDown/Home/End · Enter or i edit · a accept · x not text ·
// u or Ctrl+Z undo · e examples · p page · / search · any other character starts an edit with it.

/** What a handler needs of a keyboard event. */
export interface KeyPress {
  key: string
  code: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
}

export type KeyCommand =
  | { kind: 'save' }
  | { kind: 'accept' }
  | { kind: 'move'; by: number }
  | { kind: 'move-to'; place: 'first' | 'last' }
  | { kind: 'drop-draft' }
  | { kind: 'leave-text' }
  | { kind: 'edit' }
  | { kind: 'undo' }
  /** Marks the focused line not text, or takes its mark back. */
  | { kind: 'not-text' }
  | { kind: 'panel'; panel: 'examples' | 'page' }
  | { kind: 'close-panel' }
  | { kind: 'search' }
  /** Starts correcting the focused line with this character. */
  | { kind: 'type'; char: string }

const by = (n: number): KeyCommand => ({ kind: 'move', by: n })

/** Alt+E examples, Alt+P page, Alt+X not text: from the text box and from the list alike (by key
 *  position, since Alt changes the character on some layouts). */
function panelKey(k: KeyPress): KeyCommand | null {
  if (!k.altKey || k.ctrlKey || k.metaKey) return null
  if (k.code === 'KeyE') return { kind: 'panel', panel: 'examples' }
  if (k.code === 'KeyP') return { kind: 'panel', panel: 'page' }
  if (k.code === 'KeyX') return { kind: 'not-text' }
  return null
}

/**
 * A key in the focused line's text box. `draft`: whether the line has an unsaved edit, and whether it
 * differs from the line's text (then Ctrl+Z is the text box's own undo, not the batch's).
 */
export function inputKey(k: KeyPress, context: { draft: 'none' | 'unchanged' | 'changed'; pageSize: number }): KeyCommand | null {
  const mod = k.ctrlKey || k.metaKey
  if (k.key === 'Enter' && mod) return { kind: 'accept' }
  if (k.key === 'Enter') return { kind: 'save' }
  if (k.key === 'ArrowDown') return by(1)
  if (k.key === 'ArrowUp') return by(-1)
  if (k.key === 'PageDown') return by(context.pageSize)
  if (k.key === 'PageUp') return by(-context.pageSize)
  if (k.key === 'Escape') return context.draft === 'none' ? { kind: 'leave-text' } : { kind: 'drop-draft' }
  if (mod && k.key.toLowerCase() === 'z' && context.draft !== 'changed') return { kind: 'undo' }
  return panelKey(k)
}

/** A key on the list itself (not in the text box). `canType`: the focused line can be corrected. */
export function listKey(k: KeyPress, context: { canType: boolean; pageSize: number }): KeyCommand | null {
  const panel = panelKey(k)
  if (panel) return panel
  const mod = k.ctrlKey || k.metaKey
  switch (k.key) {
    case 'ArrowDown':
    case 'j':
      return by(1)
    case 'ArrowUp':
    case 'k':
      return by(-1)
    case 'PageDown':
      return by(context.pageSize)
    case 'PageUp':
      return by(-context.pageSize)
    case 'Home':
      return { kind: 'move-to', place: 'first' }
    case 'End':
      return { kind: 'move-to', place: 'last' }
    case 'Enter':
    case 'F2':
    case 'i':
      return { kind: 'edit' }
    case 'a':
      return { kind: 'accept' }
    case 'x':
      return { kind: 'not-text' }
    case 'u':
      return { kind: 'undo' }
    case 'e':
      return { kind: 'panel', panel: 'examples' }
    case 'p':
      return { kind: 'panel', panel: 'page' }
    case '/':
      return { kind: 'search' }
    case 'Escape':
      return { kind: 'close-panel' }
  }
  if (mod && k.key.toLowerCase() === 'z') return { kind: 'undo' }
  if (k.key.length === 1 && !mod && !k.altKey && context.canType) return { kind: 'type', char: k.key }
  return null
}
