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
  /** Per entry: 1 where the reviewer changed the model's letter to upper case there, 2 to lower case, else
   *  0; plus 4 where the line writes a word (`add`). */
  private caseFlags: Uint8Array
  /** Per letter written in another case than the model read it: the live such entries of each line. */
  private readonly caseLinesBy = new Map<number, Map<number, number>>()
  /** Per direction of a case change (1 up, 2 down), on lines that write a word: the live such entries of each line. */
  private readonly turnLinesBy = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()]
  size = 0
  liveCount = 0
  /** Live entries of a saved pool (line 0). */
  private savedLive = 0

  constructor(dim: number, capacity = 1024) {
    this.dim = dim
    this.features = new Float32Array(capacity * dim)
    this.labels = new Int32Array(capacity)
    this.lines = new Int32Array(capacity)
    this.alive = new Uint8Array(capacity)
    this.caseFlags = new Uint8Array(capacity)
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
    for (const key of ['alive', 'caseFlags'] as const) {
      const next = new Uint8Array(capacity)
      next.set(this[key])
      this[key] = next
    }
  }

  /**
   * Appends entries (`caseChange`: 1 or 2 where the reviewer changed the model's case to upper or lower;
   * `word`: the line writes a word of two letters, so its case changes show how the batch writes); returns
   * their ids.
   */
  add(lineId: number, entries: Array<{ label: number; features: Float32Array; caseChange?: number; word?: boolean }>): number[] {
    this.grow(this.size + entries.length)
    return entries.map((e) => {
      const id = this.size++
      this.features.set(e.features, id * this.dim)
      this.labels[id] = e.label
      this.lines[id] = lineId
      this.alive[id] = 1
      this.caseFlags[id] = e.caseChange ? e.caseChange | (e.word ? 4 : 0) : 0
      if (lineId === 0) this.savedLive++
      if (e.caseChange) this.countCase(id, 1)
      this.liveCount++
      return id
    })
  }

  kill(ids: number[]) {
    for (const id of ids) {
      if (!this.alive[id]) continue
      this.liveCount--
      this.alive[id] = 0
      if (this.lines[id] === 0) this.savedLive--
      if (this.caseFlags[id]) this.countCase(id, -1)
    }
  }

  private countCase(id: number, delta: number) {
    const flags = this.caseFlags[id]
    let byLetter = this.caseLinesBy.get(this.labels[id])
    if (!byLetter) this.caseLinesBy.set(this.labels[id], (byLetter = new Map<number, number>()))
    bump(byLetter, this.lines[id], delta)
    if (flags & 4) bump(this.turnLinesBy[flags & 3], this.lines[id], delta)
  }

  /** Whether a saved pool's entries are in the pool. */
  get hasSaved(): boolean {
    return this.savedLive > 0
  }

  /** How many corrected lines in the pool wrote `label` where the model read that letter in the other case. */
  caseChangeLines(label: number): number {
    return this.caseLinesBy.get(label)?.size ?? 0
  }

  /** How many corrected lines that write a word changed the model's case to upper (`up`) or to lower case. */
  caseTurnLines(up: boolean): number {
    return this.turnLinesBy[up ? 1 : 2].size
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

function bump(lines: Map<number, number>, lineId: number, delta: number) {
  const n = (lines.get(lineId) ?? 0) + delta
  if (n > 0) lines.set(lineId, n)
  else lines.delete(lineId)
}
