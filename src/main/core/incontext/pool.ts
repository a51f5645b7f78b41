/**
 * The frame datastore: one entry per frame of a corrected line that forced alignment gave a character
 * (its L2-normalised features, the character, the line it came from). Entries are appended in correction
 * order and never move; an undone correction's entries are marked dead, so entry ids stay stable.
 */
export class FramePool {
  readonly dim: number
  private features: Float32Array
  private labels: Int32Array
  private lines: Int32Array
  private alive: Uint8Array
  size = 0
  liveCount = 0

  constructor(dim: number, capacity = 1024) {
    this.dim = dim
    this.features = new Float32Array(capacity * dim)
    this.labels = new Int32Array(capacity)
    this.lines = new Int32Array(capacity)
    this.alive = new Uint8Array(capacity)
  }

  private grow(needed: number) {
    let capacity = this.labels.length
    if (needed <= capacity) return
    while (capacity < needed) capacity *= 2
    const features = new Float32Array(capacity * this.dim)
    features.set(this.features)
    this.features = features
    for (const key of ['labels', 'lines'] as const) {
      const next = new Int32Array(capacity)
      next.set(this[key])
      this[key] = next
    }
    const alive = new Uint8Array(capacity)
    alive.set(this.alive)
    this.alive = alive
  }

  /** Appends entries; returns their ids. */
  add(lineId: number, entries: Array<{ label: number; features: Float32Array }>): number[] {
    this.grow(this.size + entries.length)
    return entries.map((e) => {
      const id = this.size++
      this.features.set(e.features, id * this.dim)
      this.labels[id] = e.label
      this.lines[id] = lineId
      this.alive[id] = 1
      this.liveCount++
      return id
    })
  }

  kill(ids: number[]) {
    for (const id of ids) {
      if (this.alive[id]) this.liveCount--
      this.alive[id] = 0
    }
  }

  label(id: number) {
    return this.labels[id]
  }
  lineOf(id: number) {
    return this.lines[id]
  }
  isAlive(id: number) {
    return this.alive[id] === 1
  }

  /** Features of the given entries as one matrix, in that order. */
  matrix(ids: number[]): Float32Array {
    const out = new Float32Array(ids.length * this.dim)
    ids.forEach((id, i) => out.set(this.features.subarray(id * this.dim, (id + 1) * this.dim), i * this.dim))
    return out
  }

  liveIds(exceptLine?: number): number[] {
    const ids: number[] = []
    for (let id = 0; id < this.size; id++) if (this.alive[id] && this.lines[id] !== exceptLine) ids.push(id)
    return ids
  }
}
