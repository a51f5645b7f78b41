// The few protobuf wire-format writers the engine needs to emit small ONNX graphs in memory (see
// onnx-outputs.ts and incontext/similarity-graph.ts). Field numbers come from onnx.proto.

export function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

export type Field = Uint8Array

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A length-delimited field (wire type 2): a string, bytes or an embedded message. */
export function message(field: number, ...parts: Uint8Array[]): Field {
  const payload = concat(parts)
  return concat([new Uint8Array([...varint((field << 3) | 2), ...varint(payload.length)]), payload])
}

export function text(field: number, value: string): Field {
  return message(field, new TextEncoder().encode(value))
}

/** A varint field (wire type 0), for non-negative integers and enums. */
export function int(field: number, value: number): Field {
  return new Uint8Array([...varint(field << 3), ...varint(value)])
}

export { concat }
