/** `1 line`, `2 lines`, `1,204 lines`: a count with its noun agreeing (English: -s, or the plural given). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? noun : plural}`
}
