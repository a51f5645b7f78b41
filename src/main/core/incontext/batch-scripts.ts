// The batch's scripts in context: re-reading a line in context decodes only the characters the batch's
// scripts allow (full-width forms folded in a Latin batch), as the model's own reading does. Without it,
// fused frames of a form read in Latin brought back "，", "。" and "（" (15 of 1,185 in-context readings of
// forms-dev at 10 % reviewed) and a receipt's "DATE：".
import { defaultBeam, type BeamOptions, type ClassMap } from '../recognize/ctc'
import type { ContextState } from './state'

/**
 * The beam options the batch's context decodes with: its scripts' class map (the model's classes), with the
 * classes its corrections added kept as they are; the default (every class) for a batch of all scripts.
 */
export function contextBeam(state: Pick<ContextState, 'scriptClasses' | 'alphabet'>): BeamOptions {
  const map = state.scriptClasses
  if (!map) return defaultBeam
  return { ...defaultBeam, classes: withNewClasses(map, state.alphabet.size) }
}

const extended = new WeakMap<ClassMap, ClassMap>()

/** `map` grown to `size` classes, each class past the model's mapped to itself (made again only on growth). */
function withNewClasses(map: ClassMap, size: number): ClassMap {
  if (map.length >= size) return map
  let out = extended.get(map)
  if (!out || out.length < size) {
    out = new Int32Array(size)
    out.set(map)
    for (let c = map.length; c < size; c++) out[c] = c
    extended.set(map, out)
  }
  return out
}
