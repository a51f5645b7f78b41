// PaddleOCR's text direction classifier (tools/infer/predict_cls.py): each crop resized to height 48
// keeping its aspect ratio (at most 192 wide), (v / 255 − 0.5) / 0.5 in BGR, zero-padded to 192.
import ort from 'onnxruntime-node'
import { resizeNormalize } from '../recognize/preprocess'
import type { Image } from './det-input'
import type { ClsManifest } from './manifest'

/** The classifier's belief that a crop is upside down (label 180), in [0, 1]. */
export type Upside = number

export function clsInput(crops: Image[], spec: ClsManifest['preprocess']): Float32Array {
  const { height, width } = spec
  const out = new Float32Array(crops.length * 3 * height * width)
  crops.forEach((crop, b) => {
    const resized = Math.min(width, Math.ceil((height * crop.width) / crop.height))
    const data = resizeNormalize(crop.data, crop.width, crop.height, resized, { ...spec, minWidth: width, stride: 1 })
    for (let row = 0; row < 3 * height; row++) {
      out.set(data.subarray(row * resized, (row + 1) * resized), (b * 3 * height + row) * width)
    }
  })
  return out
}

/** P(180°) per crop, in batches of `batch` (PaddleOCR cls_batch_num), as the model gives it. */
export async function classify(session: ort.InferenceSession, crops: Image[], manifest: ClsManifest, batch: number): Promise<Upside[]> {
  const { height, width } = manifest.preprocess
  const out: Upside[] = []
  for (let i = 0; i < crops.length; i += batch) {
    const group = crops.slice(i, i + batch)
    const x = new ort.Tensor('float32', clsInput(group, manifest.preprocess), [group.length, 3, height, width])
    const result = await session.run({ [manifest.input]: x })
    const probs = result[manifest.output].data as Float32Array
    for (let b = 0; b < group.length; b++) out.push(probs[b * 2 + 1])
    result[manifest.output].dispose?.()
    x.dispose?.()
  }
  return out
}
