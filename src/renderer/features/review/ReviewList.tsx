// The virtualised list: only the rows near the viewport exist in the DOM (fixed height, key = line id),
// and only their pages are fetched. Keyboard: see keys.ts; the focused row is kept in view.
// For a screen reader it is a listbox whose keyboard focus stays on the list itself: the focused row is
// its active descendant (aria-activedescendant, the row's id `line-<id>`), always rendered (see the range
// extractor), and each row says its place in the whole listing (aria-posinset/setsize), since only a
// screenful of them exists.
import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react'
import { ReviewRow } from './ReviewRow'
import { rowId } from './row-label'
import type { CropCache } from './use-crop'
import type { Review } from './use-review'
import type { RowPages } from './use-row-pages'

/** Matches .review-row's height in styles.css. */
export const ROW_HEIGHT = 68

export function ReviewList({ pages, review, crops }: { pages: RowPages; review: Review; crops: CropCache }) {
  const scroller = useRef<HTMLDivElement>(null)
  const total = pages.total ?? 0
  // The rows in and near the viewport, which are the pages to fetch.
  const viewed = useRef<[number, number]>([0, 0])
  // None served yet: the first focused line that can be edited takes the keyboard.
  const servedEdit = useRef(-1)
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (i) => pages.rowAt(i)?.id ?? -1 - i,
    rangeExtractor(range) {
      const shown = defaultRangeExtractor(range)
      viewed.current = [shown[0] ?? 0, shown[shown.length - 1] ?? 0]
      // The focused row is rendered wherever it is: a re-sort that carries the line being corrected out
      // of view would otherwise take its text box away mid-word, until the list had scrolled after it.
      const focused = review.focusedIndex
      if (focused < range.count && !shown.includes(focused)) return [...shown, focused].sort((a, b) => a - b)
      return shown
    },
  })
  const items = virtualizer.getVirtualItems()
  const [first, last] = viewed.current

  useEffect(() => {
    pages.want(first, last)
  }, [pages, first, last])

  // The focused line in view. When it is the same line that moved in the listing (lines read, or context
  // re-sorting, above it), the list scrolls with it instead: it stays where the reviewer is looking, and
  // the rows around it take their new places. Before the browser paints (a layout effect): one frame
  // drawn with the new places and the old scroll showed the line jumping away and back. The line is the
  // one the reviewer chose, even while its row is on its way (it moved to a page not loaded yet, and the
  // engine says where: scrolling with it brings that page), else the one at the focused place.
  const focusedId = review.chosenId ?? review.focusedRow?.id
  const anchor = useRef<{ id: number | undefined; index: number }>({ id: undefined, index: 0 })
  useLayoutEffect(() => {
    const before = anchor.current
    anchor.current = { id: focusedId, index: review.focusedIndex }
    const element = scroller.current
    if (element && focusedId !== undefined && focusedId === before.id) {
      if (review.focusedIndex !== before.index) element.scrollTop += (review.focusedIndex - before.index) * ROW_HEIGHT
      return
    }
    if (total > 0) virtualizer.scrollToIndex(Math.min(review.focusedIndex, total - 1), { align: 'auto' })
  }, [virtualizer, focusedId, review.focusedIndex, total])

  // Leaving the text box (Esc) hands the keys to the list.
  useEffect(() => {
    if (!review.editing && scroller.current && !scroller.current.contains(document.activeElement)) scroller.current.focus()
  }, [review.editing])

  // PageUp/PageDown move by a screenful; measured on resize only (reading layout every render would thrash).
  const { setPageSize } = review
  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const measure = () => setPageSize(Math.max(1, Math.floor(element.clientHeight / ROW_HEIGHT) - 1))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [setPageSize])

  return (
    <div
      className="review-list"
      ref={scroller}
      tabIndex={0}
      role="listbox"
      aria-label="Lines to review"
      aria-describedby="review-keys"
      aria-activedescendant={review.focusedRow ? rowId(review.focusedRow.id) : undefined}
      data-testid="review-list"
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => review.onListKey(e)}
    >
      <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const line = pages.rowAt(item.index)
          const focused = line !== undefined && line === review.focusedRow
          return (
            <div key={item.key} role="presentation" className="review-slot" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <ReviewRow
                line={line}
                position={item.index + 1}
                total={total}
                focused={focused}
                editing={review.editing}
                editRequest={review.editRequest}
                servedEdit={servedEdit}
                draft={line ? review.drafts.get(line.id) : undefined}
                flashing={line ? review.flashing.has(line.id) : false}
                crops={crops}
                onFocusRow={() => review.focusAt(item.index, true)}
                onDraft={(text) => line && review.setDraft(line.id, text)}
                onInputKey={review.onInputKey}
                onNotText={() => line && review.toggleNotText(line)}
                onText={() => line && review.sayText(line)}
              />
            </div>
          )
        })}
      </div>
    </div>
  )
}
