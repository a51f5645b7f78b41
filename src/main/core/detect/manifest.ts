import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { packageDir } from '../model/manifest'
import clsManifestJson from '../../../../models/ppocr-cls.json'
import detManifestJson from '../../../../models/ppocrv4-det.json'

const DetManifest = z.object({
  name: z.string(),
  package: z.string(),
  file: z.string(),
  input: z.string(),
  output: z.string(),
  preprocess: z.object({
    limitSideLen: z.number().int().positive(),
    limitType: z.enum(['max', 'min']),
    multiple: z.number().int().positive(),
    channelOrder: z.enum(['BGR', 'RGB']),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number(), z.number(), z.number()]),
    scale: z.number(),
  }),
})
export type DetManifest = z.infer<typeof DetManifest>

const ClsManifest = z.object({
  name: z.string(),
  package: z.string(),
  file: z.string(),
  input: z.string(),
  output: z.string(),
  labels: z.tuple([z.literal(0), z.literal(180)]),
  preprocess: z.object({
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channelOrder: z.enum(['BGR', 'RGB']),
    scale: z.number(),
    offset: z.number(),
  }),
})
export type ClsManifest = z.infer<typeof ClsManifest>

export interface LoadedFile<M> {
  /** `<file>:<sha256 prefix>`, so a report can say exactly which weights ran. */
  id: string
  manifest: M
  bytes: Uint8Array
}

function load<M extends { package: string; file: string }>(manifest: M, tag: string): LoadedFile<M> {
  const bytes = readFileSync(join(packageDir(manifest.package), manifest.file))
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12)
  return { id: `${tag}:${hash}`, manifest, bytes }
}

/** The PP-OCRv4 text detection model (DB) from the npm package named in models/ppocrv4-det.json. */
export function loadDetModel(): LoadedFile<DetManifest> {
  return load(DetManifest.parse(detManifestJson), 'ppocrv4-det')
}

/** The 0°/180° text-line direction classifier from models/ppocr-cls.json. */
export function loadClsModel(): LoadedFile<ClsManifest> {
  return load(ClsManifest.parse(clsManifestJson), 'ppocr-cls')
}
