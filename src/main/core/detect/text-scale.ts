// How large the page's text came out in the model's input, and the scale that brings it to the size the
// detector reads best (settings.textScale).
import type { DbBox } from './db-postprocess'
import { boxSize } from './orientation'
import type { DetectSettings } from './settings'

/**
 * The scale (model pixels per page pixel) at which the median box's short side is `boxHeight` model
 * pixels, or null when the boxes found at `current` are already within `tolerance` of it (or there are none).
 */
export function textScale(boxes: DbBox[], current: number, s: DetectSettings['textScale']): number | null {
  if (!boxes.length) return null
  const heights = boxes
    .map((b) => {
      const { width, height } = boxSize(b.points)
      return Math.min(width, height) * current
    })
    .sort((a, b) => a - b)
  const median = heights[heights.length >> 1]
  if (!(median > 0)) return null
  const scale = Math.min(s.maxScale, (current * s.boxHeight) / median)
  return Math.abs(scale / current - 1) <= s.tolerance ? null : scale
}
