// One line of the review list: position, crop, the text (doubtful characters marked; the focused line
// editable), where the text comes from, and for a line context changed what the model had read.
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type RefObject } from 'react'
import type { LineRow } from '../../../shared/api'
import { ChangeDiff, ConfidenceText } from './LineText'
import { LOW_LINE, rowId, rowLabel } from './row-label'
import { useCrop, type CropCache } from './use-crop'

export interface RowProps {
  line: LineRow | undefined
  /** 1-based place in the listing, of `total` lines. */
  position: number
  total: number
  focused: boolean
  editing: boolean
  editRequest: number
  /** The last request to edit that a row's text box served, shared by the list's rows. */
  servedEdit: RefObject<number>
  draft: string | undefined
  flashing: boolean
  crops: CropCache
  onFocusRow: () => void
  onDraft: (text: string) => void
  onInputKey: (event: KeyboardEvent<HTMLInputElement>) => void
  /** Marks the line not text, or takes the mark back. */
  onNotText: () => void
  /** Likely junk is text after all. */
  onText: () => void
}

export function ReviewRow(props: RowProps) {
  const { line, position, focused, editing, draft, flashing, crops } = props
  const crop = useCrop(line?.id, line !== undefined && line.state !== 'failed', crops)
  const input = useRef<HTMLInputElement>(null)
  const editable = line?.state === 'read'
  const { editRequest, servedEdit } = props
  // The focused line's text box takes the keyboard on a request to edit not yet served (Enter or a
  // character on the list, a click, opening the batch, even when its line is still being read then),
  // or when the keyboard is on the list or nowhere (a move, a re-sort); never from another control the
  // reviewer is typing in: a search that changes the listing keeps the search box.
  useEffect(() => {
    const box = input.current
    if (!focused || !editing || !box) return
    const active = document.activeElement
    const free = active === null || active === document.body || (box.closest('[role="listbox"]')?.contains(active) ?? false)
    if (editRequest === servedEdit.current && !free) return
    servedEdit.current = editRequest
    box.focus()
  }, [focused, editing, editable, editRequest, servedEdit])
  // A re-sort may move the focused row's element within the list, and a moved element loses the keyboard
  // to the page's body: it takes it back before the next key lands, unless the reviewer moved it elsewhere.
  useLayoutEffect(() => {
    if (focused && editing && input.current && (document.activeElement === null || document.activeElement === document.body)) input.current.focus()
  })
  if (!line) {
    return (
      <div className="review-row loading" role="option" aria-selected={false} aria-busy="true" aria-posinset={position} aria-setsize={props.total} aria-label="loading">
        <span className="line-position">{position}</span>
        <span className="muted">Loading…</span>
      </div>
    )
  }
  const classes = ['review-row', `source-${line.source}`, `state-${line.state}`]
  if (focused) classes.push('focused')
  if (flashing) classes.push('flash')
  if (line.notText) classes.push('not-text')
  if (line.likelyJunk) classes.push('likely-junk')
  if (draft !== undefined && draft !== line.text) classes.push('has-draft')
  return (
    <div
      id={rowId(line.id)}
      className={classes.join(' ')}
      data-testid="review-row"
      data-line-id={line.id}
      data-source={line.source}
      data-state={line.state}
      data-confidence={line.confidence.toFixed(4)}
      role="option"
      aria-selected={focused}
      aria-posinset={position}
      aria-setsize={props.total}
      aria-label={rowLabel(line, draft)}
      onMouseDown={props.onFocusRow}
    >
      <span className="line-position">{position}</span>
      <div className="line-crop">
        {crop.src ? (
          <img src={crop.src} alt={`Line ${line.index + 1} as scanned`} draggable={false} />
        ) : (
          <span className="crop-placeholder">{crop.error || line.state === 'failed' ? 'no image' : ''}</span>
        )}
      </div>
      <div className="line-body">
        {focused && editing && editable ? (
          <input
            ref={input}
            className="line-input"
            data-testid="line-input"
            aria-label={`Text of line ${line.index + 1}`}
            value={draft ?? line.text}
            spellCheck={false}
            onChange={(e) => props.onDraft(e.target.value)}
            onKeyDown={props.onInputKey}
          />
        ) : (
          <div className="line-text" data-testid="line-text" title={line.text}>
            {line.notText ? (
              <s className="muted">{line.text || '\u00a0'}</s>
            ) : line.state === 'read' || line.source === 'human' ? (
              <ConfidenceText line={line} />
            ) : line.state === 'failed' ? (
              <span className="line-error">{line.error ?? 'Could not be read.'}</span>
            ) : (
              <span className="muted">Reading…</span>
            )}
          </div>
        )}
        <div className="line-sub">
          {line.notText ? (
            <>
              <span className="tag tag-not-text">not text</span>
              <span className="muted"> model read “{line.modelText}”</span>
            </>
          ) : line.likelyJunk ? (
            <>
              <span className="tag tag-junk" title="No letters, tiny, nearly blank or read unsure: grouped at the end. ✕ if it is not text, “text” if it is.">
                likely not text
              </span>
              <span className="muted">
                {line.file}
                {line.page !== null && ` · p. ${line.page}`}
              </span>
            </>
          ) : line.source === 'context' ? (
            <>
              <span className="tag tag-context">context</span> model read <ChangeDiff before={line.modelText} after={line.text} />
            </>
          ) : line.source === 'human' ? (
            <>
              <span className="tag tag-human">{line.review === 'accepted' ? 'accepted' : 'corrected'}</span>
              {line.text !== line.modelText && <span className="muted"> model read “{line.modelText}”</span>}
            </>
          ) : (
            <span className="muted" data-testid="line-file">
              {line.file}
              {line.page !== null && ` · p. ${line.page}`}
            </span>
          )}
        </div>
      </div>
      <span className={line.state === 'read' && line.source !== 'human' && !line.notText && line.confidence < LOW_LINE ? 'line-confidence low' : 'line-confidence'} title="Confidence of the text shown">
        {line.notText ? '–' : line.source === 'human' ? '✓' : line.state === 'read' ? `${Math.round(line.confidence * 100)}%` : '—'}
        {line.state !== 'pending' && (
          <button
            type="button"
            className="row-mark"
            tabIndex={-1}
            title={line.notText ? 'It is text: back into the review (Alt+X)' : 'Not text: a speck, a logo, a stamp… out of the review (x, Alt+X)'}
            aria-label={line.notText ? 'It is text' : 'Not text'}
            data-testid="row-not-text"
            onMouseDown={(e) => e.stopPropagation()}
            onClick={props.onNotText}
          >
            {line.notText ? 'text' : '✕'}
          </button>
        )}
        {line.likelyJunk && (
          <button
            type="button"
            className="row-mark"
            tabIndex={-1}
            title="It is text: back into the review order"
            aria-label="It is text"
            data-testid="row-text"
            onMouseDown={(e) => e.stopPropagation()}
            onClick={props.onText}
          >
            text
          </button>
        )}
      </span>
    </div>
  )
}
