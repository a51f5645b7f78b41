// Edits an ONNX model in memory, without parsing it: protobuf merges a repeated occurrence of a singular
// embedded message field, so bytes appended to the serialized model as `ModelProto.graph { … }` add
// nodes, initializers and outputs to the existing graph. (A protobuf library would parse and re-serialize
// every weight of the 10 MB model to do the same.) The file on disk is never modified.
import { concat, int, message, text } from './protobuf'

const MODEL_GRAPH = 7 // ModelProto.graph
const GRAPH = { node: 1, initializer: 5, output: 12 } as const
const INT64 = 7

/** Lists existing intermediate tensors as graph outputs; ONNX Runtime infers their type and shape. */
export function withExtraOutputs(model: Uint8Array, names: string[]): Uint8Array {
  return concat([model, ...names.map((name) => message(MODEL_GRAPH, message(GRAPH.output, text(1, name))))])
}

export interface TopKOutputs {
  values: string
  indices: string
  blank: string
}

/**
 * Adds, after the softmax, the k most probable classes per frame and the blank's probability, as
 * outputs. Fetching these instead of the full softmax moves 6,625 floats per frame less out of the
 * session and spares a JavaScript pass over them.
 */
export function withTopK(model: Uint8Array, softmax: string, k: number, blankIndex = 0): { bytes: Uint8Array; outputs: TopKOutputs } {
  const outputs = { values: 'lector_topk_values', indices: 'lector_topk_indices', blank: 'lector_blank' }
  const int64Initializer = (name: string, value: number) => {
    const raw = new Uint8Array(8)
    new DataView(raw.buffer).setBigInt64(0, BigInt(value), true)
    // TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 }
    return message(GRAPH.initializer, int(1, 1), int(2, INT64), text(8, name), message(9, raw))
  }
  const node = (op: string, inputs: string[], outs: string[], attributes: Uint8Array[]) =>
    message(GRAPH.node, ...inputs.map((i) => text(1, i)), ...outs.map((o) => text(2, o)), text(3, `lector_${op}`), text(4, op), ...attributes)
  const intAttribute = (name: string, value: number) => message(5, text(1, name), int(3, value), int(20, 2))
  const graph = concat([
    int64Initializer('lector_blank_index', blankIndex),
    // The recognizer is opset 9: TopK takes k as an attribute there.
    node('TopK', [softmax], [outputs.values, outputs.indices], [intAttribute('axis', 2), intAttribute('k', k)]),
    node('Gather', [softmax, 'lector_blank_index'], [outputs.blank], [intAttribute('axis', 2)]),
    ...Object.values(outputs).map((name) => message(GRAPH.output, text(1, name))),
  ])
  return { bytes: concat([model, message(MODEL_GRAPH, graph)]), outputs }
}
