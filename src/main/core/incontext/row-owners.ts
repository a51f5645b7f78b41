/**
 * Which line, and which of its queried frames, each query row of a store belongs to. Two growing typed
 * arrays rather than a pair per row: a 50,000-line batch has 1.3 million rows, and as small arrays they
 * were ~50 MB of heap for the collector to walk.
 */
export class RowOwners {
  private lines = new Int32Array(1024)
  private frames = new Int32Array(1024)
  private size = 0

  push(lineId: number, q: number) {
    if (this.size === this.lines.length) {
      const grow = (old: Int32Array) => {
        const next = new Int32Array(2 * old.length)
        next.set(old)
        return next
      }
      this.lines = grow(this.lines)
      this.frames = grow(this.frames)
    }
    this.lines[this.size] = lineId
    this.frames[this.size++] = q
  }

  lineOf(row: number): number {
    return this.lines[row]
  }

  frameOf(row: number): number {
    return this.frames[row]
  }
}
