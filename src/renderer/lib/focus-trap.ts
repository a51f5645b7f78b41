// Keeps the keyboard inside a modal dialog while it is open (Tab and Shift+Tab cycle through its
// controls, focus that escapes is taken back) and gives it back to what had it before, once closed.
import { useLayoutEffect, useState, type RefObject } from 'react'

const FOCUSABLE = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex], [contenteditable="true"]'

/** A radio button's group and whether it is the checked one; null for anything else. */
export type RadioOf<T> = (element: T) => { name: string; checked: boolean } | null

/**
 * The elements Tab stops at, in document order: of a group of radio buttons only the checked one (the
 * first, if none is), as a browser does; the arrow keys move within the group.
 */
export function tabStops<T>(elements: readonly T[], radioOf: RadioOf<T>): T[] {
  const chosen = new Map<string, T>()
  for (const element of elements) {
    const radio = radioOf(element)
    if (radio?.checked) chosen.set(radio.name, element)
  }
  for (const element of elements) {
    const radio = radioOf(element)
    if (radio && !chosen.has(radio.name)) chosen.set(radio.name, element)
  }
  return elements.filter((element) => {
    const radio = radioOf(element)
    return radio === null || chosen.get(radio.name) === element
  })
}

/** Where Tab (or Shift+Tab) goes from `current`: the next stop, round from the last to the first; the
 *  first (or last) when the focus is not on a stop. Null when there is none. */
export function nextStop<T>(stops: readonly T[], current: T | null, backwards: boolean): T | null {
  if (stops.length === 0) return null
  const at = current === null ? -1 : stops.indexOf(current)
  if (at < 0) return backwards ? stops[stops.length - 1] : stops[0]
  return stops[(at + (backwards ? -1 : 1) + stops.length) % stops.length]
}

const radioOf: RadioOf<HTMLElement> = (element) =>
  element instanceof HTMLInputElement && element.type === 'radio' && element.name ? { name: element.name, checked: element.checked } : null

function stopsIn(container: HTMLElement): HTMLElement[] {
  const elements = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (e) => e.tabIndex >= 0 && !(e as HTMLElement & { disabled?: boolean }).disabled && e.getClientRects().length > 0,
  )
  return tabStops(elements, radioOf)
}

/** Traps the keyboard in `container` for as long as the calling component is mounted. */
export function useFocusTrap(container: RefObject<HTMLElement | null>): void {
  // Read as the dialog first renders: by the time its effects run, autoFocus has already moved the focus.
  const [opener] = useState(() => (typeof document === 'undefined' ? null : document.activeElement))
  useLayoutEffect(() => {
    let lastInside: HTMLElement | null = null
    const onKey = (e: KeyboardEvent) => {
      const box = container.current
      if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey || !box) return
      const active = document.activeElement instanceof HTMLElement ? document.activeElement : null
      const to = nextStop(stopsIn(box), active, e.shiftKey)
      if (!to) return
      e.preventDefault()
      to.focus()
    }
    // Focus moved out by other means (a click on the backdrop, then something behind focusing itself).
    const onFocusIn = (e: FocusEvent) => {
      const box = container.current
      if (!box || !(e.target instanceof Node)) return
      if (box.contains(e.target)) lastInside = e.target instanceof HTMLElement ? e.target : lastInside
      else (lastInside?.isConnected ? lastInside : nextStop(stopsIn(box), null, false))?.focus()
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('focusin', onFocusIn)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('focusin', onFocusIn)
      // Before the dialog's elements leave the page, so the focus never falls to the page's body.
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus()
    }
  }, [container, opener])
}
