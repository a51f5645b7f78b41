// Below the list: the focused line up close — what context changed and why (its in-context examples,
// Alt+E), and its place on its page (Alt+P) — plus the keys.
import type { LineRow } from '../../../shared/api'
import { useQuery } from '../../lib/client'
import { ChangeDiff, ConfidenceText } from './LineText'
import type { Review } from './use-review'
import { useCrop, type CropCache } from './use-crop'

/** Examples shown at once: the most influential first. */
const EXAMPLES_SHOWN = 6

export function LineDetail({ line, review, crops }: { line: LineRow | undefined; review: Review; crops: CropCache }) {
  return (
    <section className="detail" aria-label="The focused line" data-testid="line-detail">
      {review.message && (
        <p className="form-error" role="alert" data-testid="review-message">
          {review.message}
        </p>
      )}
      {line ? <Focused line={line} review={review} crops={crops} /> : <p className="muted">No line focused.</p>}
      <p className="keys" id="review-keys" data-testid="keys">
        <kbd>Enter</kbd> save &amp; next · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> accept as correct · <kbd>↑</kbd>/<kbd>↓</kbd> move ·{' '}
        <kbd>Esc</kbd> cancel, then <kbd>j</kbd>/<kbd>k</kbd> <kbd>a</kbd> accept <kbd>x</kbd> not text · <kbd>Alt</kbd>+<kbd>X</kbd> not text ·{' '}
        <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo · <kbd>Alt</kbd>+<kbd>E</kbd> examples · <kbd>Alt</kbd>+<kbd>P</kbd> page · <kbd>/</kbd> search
      </p>
    </section>
  )
}

/** Where the latest correction stands: saved at once, then applied in context with what it changed. */
function CorrectionNote({ correction }: { correction: Review['correction'] }) {
  if (!correction) return null
  const text =
    correction.state === 'saved'
      ? 'last correction saved · applying it in context…'
      : correction.state === 'applied'
        ? `last correction saved · applied in context: changed ${plural(correction.update.changed.length, 'line')} in ${Math.round(correction.update.updateMs)} ms`
        : `last correction saved · not applied in context yet: ${correction.error}`
  return (
    <span className="muted" data-testid="last-update" data-state={correction.state}>
      {' '}
      · {text}
    </span>
  )
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

function Focused({ line, review, crops }: { line: LineRow; review: Review; crops: CropCache }) {
  return (
    <div className="detail-body">
      <div className="detail-head">
        <strong>Line {line.index + 1}</strong>
        <span className="muted">
          {' '}
          · {line.file}
          {line.page !== null && <> · page {line.page}</>}
        </span>
        {line.state !== 'pending' && (
          <button type="button" className="link detail-mark" onClick={() => review.toggleNotText(line)} data-testid="detail-not-text">
            {line.notText ? 'It is text (Alt+X)' : 'Not text (Alt+X)'}
          </button>
        )}
        {line.notText && <span className="muted"> · marked not text: out of the review, the counts and the pool</span>}
        {line.likelyJunk && (
          <>
            <span className="muted"> · likely not text, so at the end of the order · </span>
            <button type="button" className="link" onClick={() => review.sayText(line)} data-testid="detail-text">
              It is text
            </button>
          </>
        )}
        {line.source === 'context' && (
          <span className="detail-change">
            {' '}
            · context changed <ChangeDiff before={line.modelText} after={line.text} /> (from {line.examples.length} corrected line
            {line.examples.length === 1 ? '' : 's'}, <kbd>Alt</kbd>+<kbd>E</kbd>)
          </span>
        )}
        {line.source === 'human' && line.modelText !== line.text && (
          <span className="detail-change">
            {' '}
            · you changed <ChangeDiff before={line.modelText} after={line.text} />
          </span>
        )}
        <CorrectionNote correction={review.correction} />
      </div>
      {review.panel === 'examples' && <Examples ids={line.examples} crops={crops} />}
      {review.panel === 'page' && <PageView line={line} crops={crops} />}
      {review.panel === 'none' && line.state === 'read' && line.source !== 'human' && (
        <div className="detail-text">
          <ConfidenceText line={line} /> <span className="muted small">(underlined: characters the engine is unsure of)</span>
        </div>
      )}
    </div>
  )
}

function Examples({ ids, crops }: { ids: number[]; crops: CropCache }) {
  const shown = ids.slice(0, EXAMPLES_SHOWN)
  const { result } = useQuery('line:rows', shown.length ? { ids: shown } : null)
  if (!shown.length) return <p className="muted" data-testid="examples">Context did not change this line, so it has no in-context examples.</p>
  return (
    <ul className="examples" data-testid="examples" aria-label="In-context examples">
      {result?.ok === false && <li className="form-error">{result.message}</li>}
      {result?.ok &&
        result.value.map((row) => (
          <li key={row.id}>
            <ExampleCrop id={row.id} crops={crops} />
            <span className="example-text">{row.text}</span>
          </li>
        ))}
      {ids.length > shown.length && <li className="muted">and {ids.length - shown.length} more</li>}
    </ul>
  )
}

function ExampleCrop({ id, crops }: { id: number; crops: CropCache }) {
  const crop = useCrop(id, true, crops)
  return crop.src ? <img src={crop.src} alt="" /> : <span className="crop-placeholder" />
}

function PageView({ line, crops }: { line: LineRow; crops: CropCache }) {
  const crop = useCrop(line.id, true, crops)
  const { result } = useQuery('line:page', { lineId: line.id })
  if (result?.ok === false) return <p className="form-error">{result.message}</p>
  const page = result?.ok ? result.value : undefined
  if (page === undefined) return <p className="muted">Loading the page…</p>
  if (page === null) {
    return (
      <div className="page-view" data-testid="page-view">
        {crop.src && <img src={crop.src} alt={`The image of line ${line.index + 1}`} />}
        <p className="muted small">This line is its own image ({line.file}): it was cut already, so the image is its whole page.</p>
      </div>
    )
  }
  const outline = page.quad && <polygon className="page-quad" points={page.quad.map(([x, y]) => `${x},${y}`).join(' ')} />
  const around = page.quad ? surroundings(page.quad, page.width, page.height) : null
  return (
    <div className="page-view" data-testid="page-view">
      {/* The whole page, small enough to fit, and the line's surroundings at reading size: the outlined line
          is in sight whatever the page's shape (a long receipt cut it off at the bottom). Both are the
          preview in the page's own pixel coordinates, with the line's quad drawn over it. */}
      <svg className="page-sheet whole" viewBox={`0 0 ${page.width} ${page.height}`} role="img" aria-label={`Page ${page.page} of ${page.file}, with this line outlined`}>
        <image href={page.dataUrl} width={page.width} height={page.height} />
        {outline}
      </svg>
      {around && (
        <svg className="page-sheet zoom" viewBox={around.join(' ')} role="img" aria-label="The line among its neighbours" data-testid="page-zoom">
          <image href={page.dataUrl} width={page.width} height={page.height} />
          {outline}
        </svg>
      )}
      <p className="muted small page-caption">
        Page {page.page} of {page.file}
      </p>
    </div>
  )
}

/** The part of a page around a line: its width of the page and a few line heights above and below. */
function surroundings(quad: Array<[number, number]>, width: number, height: number): [number, number, number, number] {
  const xs = quad.map(([x]) => x)
  const ys = quad.map(([, y]) => y)
  const x0 = Math.min(...xs)
  const x1 = Math.max(...xs)
  const y0 = Math.min(...ys)
  const y1 = Math.max(...ys)
  const lineHeight = Math.max(8, Math.min(y1 - y0, x1 - x0))
  const left = Math.max(0, Math.min(x0 - 6 * lineHeight, width / 2 - (x1 - x0) / 2))
  const right = Math.min(width, Math.max(x1 + 6 * lineHeight, left + Math.min(width, 30 * lineHeight)))
  const top = Math.max(0, y0 - 3 * lineHeight)
  const bottom = Math.min(height, y1 + 3 * lineHeight)
  return [left, top, right - left, bottom - top]
}
