import { Lexicon, SpanIndex } from './lexicon'
import type { LineState } from './line-state'

/**
 * The batch's vocabulary and what depends on it: the words of its corrections (lexicon.ts), which lines
 * each word can reach, and which corrected lines' leave-one-out edits a word coming or going can change.
 */
export class LexiconBook {
  readonly lexicon = new Lexicon()
  /** Uncorrected lines by the spans of the text the lexicon reads (`knn`, else the model's); kept while
   *  the lexicon is on. */
  readonly spans = new SpanIndex()
  /** Corrected lines by the spans of the model's reading, which the lexicon's leave-one-out reads. */
  private readonly correctedSpans = new SpanIndex()

  constructor(private readonly lines: Map<number, LineState>) {}

  /**
   * Makes `entries` line `lineId`'s in the lexicon (null: it has none; line 0 is a saved pool) and drops
   * the leave-one-out edits this can change: the corrected lines a word joining or leaving the lexicon
   * reaches, and the other holder of a word now held by two lines or back to one (only that line's
   * leave-one-out sees the word come or go). Returns the words that joined or left.
   */
  update(lineId: number, entries: string[] | null): string[] {
    const { lexicon } = this
    const before = lexicon.entriesOf(lineId)
    const words = lexicon.remove(lineId)
    if (entries) words.push(...lexicon.addEntries(lineId, entries))
    const forget = (id: number) => {
      const line = this.lines.get(id)
      if (line) line.lexiconEdits = null
    }
    forget(lineId)
    for (const id of this.correctedSpans.linesNear(words)) forget(id)
    for (const e of new Set([...before, ...(entries ?? [])])) {
      const others = lexicon.linesWith(e).filter((id) => id !== lineId)
      if (others.length === 1) forget(others[0])
    }
    const line = this.lines.get(lineId)
    if (line) this.correctedSpans.set(lineId, entries ? line.model.text : null)
    return words
  }

  /** Drops what the lexicon made of these lines, so they are read with it again. */
  forget(ids: Iterable<number>) {
    for (const id of ids) this.lines.get(id)!.lexicon = null
  }
}
