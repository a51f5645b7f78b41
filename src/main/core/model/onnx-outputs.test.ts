import { describe, expect, it } from 'vitest'
import { withExtraOutputs } from './onnx-outputs'

describe('withExtraOutputs', () => {
  it('appends a ModelProto.graph.output entry naming the tensor, leaving the original bytes intact', () => {
    const model = new Uint8Array([8, 7]) // ir_version = 7
    const out = withExtraOutputs(model, ['feat'])
    expect([...out.subarray(0, 2)]).toEqual([8, 7])
    // graph (field 7, LEN) { output (field 12, LEN) { name (field 1, LEN) "feat" } }
    expect([...out.subarray(2)]).toEqual([0x3a, 8, 0x62, 6, 0x0a, 4, ...new TextEncoder().encode('feat')])
  })

  it('encodes lengths over 127 as multi-byte varints', () => {
    const name = 'x'.repeat(200)
    const out = withExtraOutputs(new Uint8Array(), [name])
    // name field: tag 0x0a, length 200 = 0xc8 0x01
    const at = out.indexOf(0x0a)
    expect([...out.subarray(at, at + 3)]).toEqual([0x0a, 0xc8, 0x01])
    expect(out.length).toBe(200 + 3 + 3 + 3)
  })
})
