import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import recManifestJson from '../../../../models/ppocrv4-rec.json'

const Manifest = z.object({
  name: z.string(),
  package: z.string(),
  file: z.string(),
  alphabet: z.string(),
  input: z.string(),
  outputs: z.object({ posteriors: z.string(), features: z.string() }),
  featureDim: z.number().int().positive(),
  preprocess: z.object({
    height: z.number().int().positive(),
    minWidth: z.number().int().positive(),
    stride: z.number().int().positive(),
    channelOrder: z.enum(['BGR', 'RGB']),
    scale: z.number(),
    offset: z.number(),
  }),
  ctc: z.object({
    blank: z.number().int(),
    spaceAtEnd: z.boolean(),
    /**
     * The space's probability is multiplied by this in every frame, before any decoding. PP-OCRv4's
     * recognizer learnt mostly from Chinese, which has no spaces, and drops many between Latin words:
     * on the dev sets it read 2,336 of sroie-dev's 2,664 spaces and 8,329 of forms-dev's 13,639.
     * At 2, measured on the cached readings (scratch/space-bias.ts, --correct 0, case-insensitive CER):
     * sroie-dev 3.49 → 3.04 %, forms-dev 11.12 → 10.27 %, iiit5k-dev 5.25 → 5.28 % (3 of 1,000 single
     * words split), fraktur-dev 24.14 → 24.17 % (its spaces were already all read). 3 gains more on
     * receipts and forms and costs twice as much on the others; 2 is the one setting for all four.
     */
    spacePrior: z.number().positive().default(1),
  }),
})
export type RecManifest = z.infer<typeof Manifest>

export interface LoadedModel {
  /** `<manifest>:<sha256 prefix>`: recorded with every cached reading. */
  id: string
  name: string
  manifest: RecManifest
  bytes: Uint8Array
  alphabetText: string
}

const requireHere = createRequire(import.meta.url)

// The package exports only its `./node` entry (a file at its root), so resolve that to find its folder.
export function packageDir(name: string): string {
  try {
    return dirname(requireHere.resolve(`${name}/node`))
  } catch (err) {
    throw new Error(`The model package ${name} is not installed; run npm install.`, { cause: err })
  }
}

/** Reads the PP-OCRv4 recognition model and its alphabet from the npm package named in the manifest. */
export function loadRecModel(): LoadedModel {
  const manifest = Manifest.parse(recManifestJson)
  const dir = packageDir(manifest.package)
  const bytes = readFileSync(join(dir, manifest.file))
  const alphabetText = readFileSync(join(dir, manifest.alphabet), 'utf8')
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12)
  return { id: `ppocrv4-rec:${hash}`, name: manifest.name, manifest, bytes, alphabetText }
}
