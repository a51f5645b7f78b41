// Adds graph outputs to an ONNX model in memory. Protobuf merges a repeated occurrence of a singular
// embedded message field, so appending `ModelProto.graph { output { name } }` to the serialized model
// appends a ValueInfoProto to GraphProto.output without parsing the 10 MB model. ONNX Runtime infers the
// output's type and shape from the node that produces it. (A full protobuf library would parse and
// re-serialize every weight to do the same; this is the one operation we need, so it is written here.)

const MODEL_GRAPH = 7 // ModelProto.graph
const GRAPH_OUTPUT = 12 // GraphProto.output
const VALUE_INFO_NAME = 1 // ValueInfoProto.name

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const header = [...varint((field << 3) | 2), ...varint(payload.length)]
  const out = new Uint8Array(header.length + payload.length)
  out.set(header, 0)
  out.set(payload, header.length)
  return out
}

export function withExtraOutputs(model: Uint8Array, names: string[]): Uint8Array {
  const parts = names.map((name) =>
    lengthDelimited(MODEL_GRAPH, lengthDelimited(GRAPH_OUTPUT, lengthDelimited(VALUE_INFO_NAME, new TextEncoder().encode(name)))),
  )
  const total = model.length + parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(total)
  out.set(model, 0)
  let at = model.length
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
