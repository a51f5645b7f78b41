// The scripts a batch is written in, and what decoding may output for them. The recognizer's alphabet is
// PP-OCRv4's Chinese+Latin one (6,623 characters: 6,282 Han, 124 Latin, a few Greek, Cyrillic, kana and
// Hangul, and the punctuation and symbols of both worlds, full-width forms included): on an English receipt
// a speck reads as 开 or ￥, and Latin text now and then as full-width （s）. A batch that says which
// scripts it uses decodes with only those classes (the others are not candidates at all), and a batch
// without CJK reads full-width forms as the ASCII they stand for.
import type { ScriptName } from '../../../shared/api'
import type { Alphabet } from './alphabet'

export type Script = ScriptName
export const SCRIPTS: readonly Script[] = ['latin', 'cjk', 'greek', 'cyrillic']

// Characters of the CJK world that Unicode files as Common: CJK symbols and punctuation (、。「」〒), vertical
// and small forms (﹑﹝﹞), CJK compatibility (㎡ ㎏), and the half- and full-width forms block (，：（）Ｇ￥).
const CJK_COMMON = /[\u2e80-\u2fdf\u3000-\u303f\u3190-\u319f\u3200-\u33ff\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uffef]/u
const HAN_WORLD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const LATIN = /\p{Script=Latin}/u
const GREEK = /\p{Script=Greek}/u
const CYRILLIC = /\p{Script=Cyrillic}/u

/** The script of a character, or null for one every script shares (digits, ASCII punctuation, symbols). */
export function scriptOf(ch: string): Script | null {
  if (HAN_WORLD.test(ch) || CJK_COMMON.test(ch)) return 'cjk'
  if (LATIN.test(ch)) return 'latin'
  if (GREEK.test(ch)) return 'greek'
  if (CYRILLIC.test(ch)) return 'cyrillic'
  return null
}

/** The scripts a text uses (its characters' scripts, shared ones left out). */
export function scriptsIn(text: string): Set<Script> {
  const out = new Set<Script>()
  for (const ch of text) {
    const s = scriptOf(ch)
    if (s) out.add(s)
  }
  return out
}

/** The scripts in a canonical order, without repeats; all of them for an empty list. */
export function normalizeScripts(scripts: Iterable<Script>): Script[] {
  const chosen = new Set(scripts)
  const out = SCRIPTS.filter((s) => chosen.has(s))
  return out.length ? out : [...SCRIPTS]
}

/** A batch's stored scripts (the JSON of `batches.scripts`), in canonical order; null when none is set. */
export function storedScripts(column: string | null | undefined): Script[] | null {
  return column ? normalizeScripts(JSON.parse(column) as Script[]) : null
}

/** Whether the scripts leave the alphabet as it is. */
export const allScripts = (scripts: readonly Script[]) => SCRIPTS.every((s) => scripts.includes(s))

/**
 * What a class of the alphabet decodes as in a batch of these scripts: itself, another class (a full-width
 * form folded to its ASCII character, without CJK), or -1 (not a candidate). Blank and space are always
 * themselves. Null when the scripts are all of them: nothing changes.
 */
export function classMap(alphabet: Alphabet, scripts: readonly Script[]): Int32Array | null {
  if (allScripts(scripts)) return null
  const allowed = (ch: string) => {
    const s = scriptOf(ch)
    return s === null || scripts.includes(s)
  }
  const fold = !scripts.includes('cjk')
  const map = new Int32Array(alphabet.size)
  for (let c = 0; c < alphabet.size; c++) {
    const ch = alphabet.char(c)
    if (c === alphabet.blank || c === alphabet.space || allowed(ch)) {
      map[c] = c
      continue
    }
    map[c] = -1
    if (!fold) continue
    // ＧＩ（：，￥ and the ideographic space: NFKC gives the character they are a wide form of.
    const folded = ch.normalize('NFKC')
    if (folded === ch || [...folded].length !== 1 || !allowed(folded)) continue
    const target = folded === ' ' ? alphabet.space : alphabet.indexOf(folded)
    if (target > 0) map[c] = target
  }
  return map
}

/** A text as a batch of these scripts writes it: full-width forms folded when the batch has no CJK. */
export function foldText(text: string, scripts: readonly Script[]): string {
  if (scripts.includes('cjk')) return text
  return text.replace(/[\u3000\uff01-\uff5e]/gu, (ch) => ch.normalize('NFKC'))
}

// A script is proposed for a batch when the model reads it with confidence, often enough: characters read
// at ≥ MIN_CONFIDENCE, at least MIN_CHARS of them, and at least MIN_SHARE of the confident characters of any
// script. On the evaluation sets a speck or a stamp read as 开 or ￥ stays far below that (measured on
// sroie-dev, forms-dev, iiit5k-dev: see README), while a page of Chinese is mostly Han.
const MIN_CONFIDENCE = 0.9
const MIN_CHARS = 8
const MIN_SHARE = 0.05

/**
 * The scripts the first readings of a batch (and its corrections, given with confidence 1) show it uses.
 * Latin when they show none (digits and punctuation only): the alphabet's other scripts are the rarer.
 */
export function proposeScripts(readings: Iterable<{ text: string; charConfidences: ArrayLike<number> }>): Script[] {
  const counts = new Map<Script, number>()
  let total = 0
  for (const r of readings) {
    const chars = [...r.text]
    chars.forEach((ch, i) => {
      if ((r.charConfidences[i] ?? 1) < MIN_CONFIDENCE) return
      const s = scriptOf(ch)
      if (!s) return
      counts.set(s, (counts.get(s) ?? 0) + 1)
      total++
    })
  }
  const chosen = SCRIPTS.filter((s) => (counts.get(s) ?? 0) >= Math.max(MIN_CHARS, MIN_SHARE * total))
  return chosen.length ? chosen : ['latin']
}
