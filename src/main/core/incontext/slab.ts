// Typed arrays carved out of a few large buffers. A 50,000-line batch keeps ~8 small arrays per line for
// as long as it is open; as 400,000 ArrayBuffers of their own they cost ~200 bytes each beyond their data,
// and every garbage collection of the context worker went over all of them (its atomic pauses reached
// 300 ms while a batch loaded). For arrays that live as long as the batch: a slab is freed only when
// every array in it is unreachable.

const SLAB_BYTES = 4 << 20

export class Slab {
  private buffer = new ArrayBuffer(0)
  private used = 0

  private take(bytes: number, align: number): [ArrayBuffer, number] {
    // An array too big to share a slab well gets a buffer of its own.
    if (bytes > SLAB_BYTES / 8) return [new ArrayBuffer(bytes), 0]
    let at = Math.ceil(this.used / align) * align
    if (at + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(SLAB_BYTES)
      at = 0
    }
    this.used = at + bytes
    return [this.buffer, at]
  }

  uint8(n: number): Uint8Array {
    const [buffer, at] = this.take(n, 1)
    return new Uint8Array(buffer, at, n)
  }

  uint16(n: number): Uint16Array {
    const [buffer, at] = this.take(2 * n, 2)
    return new Uint16Array(buffer, at, n)
  }

  int32(n: number): Int32Array {
    const [buffer, at] = this.take(4 * n, 4)
    return new Int32Array(buffer, at, n)
  }

  float32(n: number): Float32Array {
    const [buffer, at] = this.take(4 * n, 4)
    return new Float32Array(buffer, at, n)
  }
}
