// What the learning panel says of the batch's writing conventions, which act whether context is on or off:
// "Context off" beside lines changed "by context" read as a contradiction until the panel named them.
import type { ContextDecision } from '../../../shared/api'

/** "writes CAPITALS · no space before , ;", or null when the corrections show no convention. */
export function conventionsSummary(conventions: ContextDecision['conventions']): string | null {
  if (!conventions) return null
  const parts: string[] = []
  if (conventions.case) parts.push(conventions.case === 'upper' ? 'writes CAPITALS' : 'writes lower case')
  if (conventions.unspacedBefore) parts.push(`no space before ${[...conventions.unspacedBefore].join(' ')}`)
  return parts.length ? parts.join(' · ') : null
}
