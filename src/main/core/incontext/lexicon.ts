import { distance } from 'fastest-levenshtein'
import { NearStrings } from './near-strings'

/**
 * The batch's vocabulary, from its corrected lines: every run of three or more letters, and every two
 * letter runs with only white space between them (so "TAXINVOICE" can become "TAX INVOICE" and
 * "DESCRIPT ION" "DESCRIPTION"). Digits and punctuation are never entries: they are a document's data
 * (prices, dates, IDs), and pulling them toward strings seen elsewhere was the prototype's lexicon harm.
 */
export function lexiconEntries(typed: string): string[] {
  // As the batch reads it: NFC, so "ö" typed as o + U+0308 is the word a reading spells.
  const text = typed.normalize('NFC')
  const out = new Set<string>()
  for (const s of letterSpans(text)) {
    const entry = text.slice(s.from, s.to)
    if (s.words === 2 || letters(entry) >= 3) out.add(entry)
  }
  return [...out]
}

export interface Span {
  from: number
  to: number
  /** 1: one letter run; 2: two runs and the white space between them. */
  words: 1 | 2
}

// A letter and what follows it of letters and marks: "waͤre" (a with a combining e above) is one word.
const RUN = /\p{L}[\p{L}\p{M}]*/gu
const WHITE = /^\s*$/u

/** The places a reading can take an entry: each letter run, and each two runs with at most white space between. */
export function letterSpans(text: string): Span[] {
  const runs = [...text.matchAll(RUN)].map((m) => ({ from: m.index, to: m.index + m[0].length }))
  const out: Span[] = []
  runs.forEach((r, i) => {
    out.push({ ...r, words: 1 })
    const next = runs[i + 1]
    if (next && WHITE.test(text.slice(r.to, next.from))) out.push({ from: r.from, to: next.to, words: 2 })
  })
  return out
}

const letters = (s: string) => s.replace(/\P{L}/gu, '').length

/**
 * Edits a span may be away from an entry, by its letters: none under 4, one under 8, else two. Short
 * words are too close to each other for a vocabulary to tell them apart.
 */
export function allowedEdits(s: string): number {
  const n = letters(s)
  return n < 4 ? 0 : n < 8 ? 1 : 2
}

/** Spans whose deletions `near` keeps (a few MB at most). */
const SPAN_KEYS = 20_000

/** Every string made from s by deleting at most `max` characters (s itself included). */
function deletions(s: string, max: number, out = new Set<string>([s])): Set<string> {
  if (max === 0) return out
  for (let i = 0; i < s.length; i++) {
    const d = s.slice(0, i) + s.slice(i + 1)
    if (!out.has(d)) deletions(d, max - 1, out.add(d))
  }
  return out
}

/**
 * The entries of the batch's corrected lines, counted by line, with a symmetric-deletion index
 * (SymSpell's): two strings within d edits share a string made from each by at most d deletions, so the
 * entries near a span are found by looking up the span's deletions, not by comparing it with every entry.
 * Matching ignores letter case; what replaces a span is the entry as the reviewer typed it.
 */
export class Lexicon {
  private readonly lines = new Map<string, Set<number>>()
  private readonly byLine = new Map<number, string[]>()
  private readonly index = new Map<string, Set<string>>()
  /** Each entry's allowed edits (counting its letters is a Unicode regex: `near` asks for it often). */
  private readonly edits = new Map<string, number>()
  /** The deletions of spans looked up lately: the same words recur on line after line of a batch. */
  private readonly spanKeys = new Map<string, string[]>()
  /**
   * What `near` found for spans lately (one update reads thousands of lines), kept while the entries
   * change: an entry that joins or leaves drops only the spans it is near (near-strings.ts).
   * Cleared at each new entry, a forms-dev correction's re-read looked every span up again (a tenth of
   * its update time).
   */
  private readonly nearby = new Map<string, string[]>()
  /** The spans of `nearby`, to find those an entry is near. */
  private readonly nearbySpans = new NearStrings()

  get size(): number {
    return this.lines.size
  }

  /** Adds a corrected line's entries; returns those new to the lexicon. */
  add(lineId: number, text: string): string[] {
    return this.addEntries(lineId, lexiconEntries(text))
  }

  /** Adds entries as line `lineId`'s (0: a saved pool's, never left out in leave-one-out). */
  addEntries(lineId: number, entries: string[]): string[] {
    this.remove(lineId)
    const added: string[] = []
    this.byLine.set(lineId, entries)
    for (const e of entries) {
      let holders = this.lines.get(e)
      if (!holders) {
        this.lines.set(e, (holders = new Set()))
        added.push(e)
        this.edits.set(e, allowedEdits(e))
        this.dropNear(e)
        for (const key of deletions(e.toLowerCase(), allowedEdits(e))) {
          let set = this.index.get(key)
          if (!set) this.index.set(key, (set = new Set()))
          set.add(e)
        }
      }
      holders.add(lineId)
    }
    return added
  }

  /** Takes a line's entries out; returns those no longer in the lexicon. */
  remove(lineId: number): string[] {
    const entries = this.byLine.get(lineId)
    if (!entries) return []
    this.byLine.delete(lineId)
    const gone: string[] = []
    for (const e of entries) {
      const holders = this.lines.get(e)!
      holders.delete(lineId)
      if (holders.size) continue
      this.lines.delete(e)
      gone.push(e)
      this.dropNear(e)
      for (const key of deletions(e.toLowerCase(), this.edits.get(e)!)) {
        const set = this.index.get(key)!
        set.delete(e)
        if (!set.size) this.index.delete(key)
      }
      this.edits.delete(e)
    }
    return gone
  }

  /** Forgets what `near` found for the spans an entry joining or leaving is near (their answer changes). */
  private dropNear(entry: string) {
    const stale: string[] = []
    this.nearbySpans.near(entry.toLowerCase(), this.edits.get(entry)!, (span) => span !== entry && stale.push(span))
    for (const span of stale) {
      this.nearby.delete(span)
      this.nearbySpans.delete(span)
    }
  }

  /** Whether the entry is in the lexicon, leaving out line `without`'s own (for leave-one-out). */
  has(entry: string, without?: number): boolean {
    const holders = this.lines.get(entry)
    return !!holders && (holders.size > 1 || !holders.has(without!))
  }

  /** A line's entries (none once it is removed). */
  entriesOf(lineId: number): string[] {
    return this.byLine.get(lineId) ?? []
  }

  /** Every entry, to save with a named pool. */
  entries(): string[] {
    return [...this.lines.keys()]
  }

  /** Corrected lines holding the entry, oldest id first (a changed line's examples). */
  linesWith(entry: string): number[] {
    return [...(this.lines.get(entry) ?? [])].sort((a, b) => a - b)
  }

  /**
   * Entries other than the span within the edits both allow (case ignored, so an entry that differs in
   * case only is near: "Total" can take the batch's "TOTAL" where the model is unsure of the case), in a
   * fixed order.
   */
  near(span: string, without?: number): string[] {
    // Leave-one-out answers depend on the line left out: only the others are kept.
    if (without === undefined) {
      const cached = this.nearby.get(span)
      if (cached) return cached
      if (this.nearby.size >= SPAN_KEYS) {
        this.nearby.clear()
        this.nearbySpans.clear()
      }
      const lower = span.toLowerCase()
      const edits = allowedEdits(span)
      const found = this.nearFrom(span, lower, edits)
      this.nearby.set(span, found)
      this.nearbySpans.add(span, lower, edits)
      return found
    }
    return this.nearFrom(span, span.toLowerCase(), allowedEdits(span), without)
  }

  private nearFrom(span: string, lower: string, max: number, without?: number): string[] {
    let keys = this.spanKeys.get(lower)
    if (!keys) {
      if (this.spanKeys.size >= SPAN_KEYS) this.spanKeys.clear()
      this.spanKeys.set(lower, (keys = [...deletions(lower, max)]))
    }
    const found = new Set<string>()
    for (const key of keys) for (const e of this.index.get(key) ?? []) found.add(e)
    return [...found].filter((e) => e !== span && distance(lower, e.toLowerCase()) <= Math.min(max, this.edits.get(e)!) && this.has(e, without)).sort()
  }
}

/**
 * Lines by the spans of the text the lexicon reads them from, so that an entry joining or leaving the
 * lexicon re-reads only the lines it can change: those with a span near it (what `near` offers), or the
 * span itself (which then stops, or starts, being a word of the lexicon) — within the edits both allow,
 * case ignored.
 */
export class SpanIndex {
  private readonly lines = new Map<string, Set<number>>()
  /** The spans, to find those near an entry (their lower case and allowed edits worked out once). */
  private readonly spans = new NearStrings()
  /** Each line's text and its distinct spans. */
  private readonly ofLine = new Map<number, { text: string; spans: string[] }>()

  /** Indexes the line under its text's spans (null: not at all, e.g. once it is corrected). */
  set(lineId: number, text: string | null) {
    const old = this.ofLine.get(lineId)
    if (old?.text === (text ?? undefined)) return
    const spans = text === null ? [] : [...new Set(letterSpans(text).map((s) => text.slice(s.from, s.to)))]
    if (old) for (const s of old.spans) if (!spans.includes(s)) this.drop(s, lineId)
    if (text === null) this.ofLine.delete(lineId)
    else {
      this.ofLine.set(lineId, { text, spans })
      for (const s of spans) {
        let holders = this.lines.get(s)
        if (!holders) {
          this.lines.set(s, (holders = new Set()))
          this.spans.add(s, s.toLowerCase(), allowedEdits(s))
        }
        holders.add(lineId)
      }
    }
  }

  /** Lines with a span near any of the entries. */
  linesNear(entries: string[]): Set<number> {
    const out = new Set<number>()
    for (const e of entries) this.spans.near(e.toLowerCase(), allowedEdits(e), (s) => this.lines.get(s)!.forEach((id) => out.add(id)))
    return out
  }

  private drop(span: string, lineId: number) {
    const holders = this.lines.get(span)!
    holders.delete(lineId)
    if (holders.size) return
    this.lines.delete(span)
    this.spans.delete(span)
  }
}
