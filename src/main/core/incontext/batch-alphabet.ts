import { classesOf, graphemes, isLetter, type Alphabet } from '../recognize/alphabet'

/**
 * New classes one batch can hold. Fused rows keep classes as 16 bits (6,625 of the model's), and a batch
 * in a script the model cannot read at all has a few hundred graphemes: past this, a correction's new
 * characters are kept in its text but teach nothing (they align as UNKNOWN, as before this existed).
 */
export const MAX_NEW_CLASSES = 4096

/**
 * A batch's alphabet: the model's classes, then the graphemes its corrections brought that the model
 * cannot write (ſ, ß, aͤ, ⸗ in a Fraktur batch), numbered base.size + i in the order corrections (or a
 * saved pool) introduced them. Nothing else adds a class, so a batch no correction taught a new
 * character never reads one. Classes are never taken back: an undone correction's frames leave the
 * stores, so its class has no neighbour to vote for it, and the numbers of the others stay as they were.
 */
export class BatchAlphabet implements Alphabet {
  readonly blank: number
  readonly space: number
  private readonly added: string[] = []
  private readonly index = new Map<string, number>()

  constructor(readonly base: Alphabet) {
    this.blank = base.blank
    this.space = base.space
  }

  get size(): number {
    return this.base.size + this.added.length
  }

  /** The graphemes the batch added, in class order (class base.size + i is `newClasses[i]`). */
  get newClasses(): readonly string[] {
    return this.added
  }

  /** Whether class c is one the batch added (the model never gives it any probability). */
  isNew(c: number): boolean {
    return c >= this.base.size
  }

  char(i: number): string {
    return i < this.base.size ? this.base.char(i) : (this.added[i - this.base.size] ?? '')
  }

  indexOf(g: string): number {
    const c = this.base.indexOf(g)
    return c >= 0 ? c : (this.index.get(g) ?? -1)
  }

  /**
   * The class of grapheme g — or of a ligature, two letters the model reads as one glyph (ligatures.ts) —
   * added when the batch has none yet; -1 when there is no room left, or g is neither in NFC (a saved
   * pool's file names its classes: one that names "a b" or "abc" teaches nothing).
   */
  add(g: string): number {
    const known = this.indexOf(g)
    if (known >= 0) return known
    // White space other than the space (a tab pasted into a correction) is no character to read.
    if (this.added.length >= MAX_NEW_CLASSES || /^\s+$/u.test(g)) return -1
    const parts = graphemes(g)
    if (parts.join('') !== g || !(parts.length === 1 || (parts.length === 2 && parts.every(isLetter)))) return -1
    const c = this.base.size + this.added.length
    this.added.push(g)
    this.index.set(g, c)
    return c
  }

  /**
   * A corrected text as classes, grapheme by grapheme (NFC: "aͤ" typed either way is one class), adding
   * a class for each grapheme neither the model nor the batch has yet; -1 where there is no room.
   */
  learn(text: string): number[] {
    const out = classesOf(text, this)
    if (!out.includes(-1)) return out
    // Only a text with a grapheme not yet known takes the slow way.
    const learned: number[] = []
    for (const g of graphemes(text)) {
      const known = classesOf(g, this)
      if (!known.includes(-1)) learned.push(...known)
      else learned.push(this.add(g))
    }
    return learned
  }
}
