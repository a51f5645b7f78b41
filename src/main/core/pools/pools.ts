import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { z } from 'zod'
import type { PoolSummary } from '../../../shared/api'
import { LectorError } from '../errors'
import type { SavedPool } from '../incontext/context'
import { createFileSafely, formatBytes, readRegularFile } from '../safe-files'
import type { Db } from '../store/db'
import { decodeHalf, encodeHalf } from '../store/half'

const FILE_FORMAT = 'lector-pool'
// A pool file is read whole, and its JSON parsed at once: both bounded. A pool of 100,000 corrected lines'
// frames (~2 million entries) is ~60 MB gzip'd, ~700 MB of JSON; V8 holds a string of at most ~512 MB, so
// 400 MB of JSON (~1.2 million entries) is what one import can take.
const MAX_POOL_FILE_BYTES = 256 * 2 ** 20
const MAX_POOL_JSON_BYTES = 400 * 2 ** 20
const gunzipAsync = promisify(gunzip)
const gzipAsync = promisify(gzip)

// The exchange file: gzip'd JSON; features as base64 fp16, 120 values per entry, in entry order.
// Version 2 adds the vocabulary and its bias; a version 1 file has neither (read as none, bias 0).
// Version 3 adds the gate the batch decided; an older file has none (its batch starts from the prior).
const Gate = z.object({
  chars: z.array(z.number().finite()),
  gaps: z.array(z.number().finite()),
  examples: z.number().int().min(0),
  charsPrecision: z.array(z.number().finite()),
  gapsPrecision: z.array(z.number().finite()),
  better: z.number().int().min(0),
  worse: z.number().int().min(0),
  fixed: z.number().int().min(0).optional(),
  broken: z.number().int().min(0).optional(),
})
const PoolFile = z.object({
  format: z.literal(FILE_FORMAT),
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  name: z.string().min(1).max(200),
  modelId: z.string(),
  trust: z.number().min(0).max(1),
  dim: z.number().int().positive(),
  entries: z.array(z.tuple([z.enum(['chars', 'gaps']), z.number().int().min(0)])),
  features: z.string(),
  words: z.array(z.string().min(1).max(10_000)).default([]),
  lexiconBias: z.number().min(0).max(100).default(0),
  gate: Gate.optional(),
})

export interface PoolService {
  save(name: string, pool: SavedPool): PoolSummary
  list(): PoolSummary[]
  /** The pool a batch starts from, if any. */
  forBatch(batchId: number): SavedPool | null
  use(batchId: number, poolId: number | null): void
  /** Writes the pool file (gzip'd JSON) to an absolute path; an existing file is replaced only with `overwrite`. */
  exportTo(poolId: number, path: string, overwrite?: boolean): Promise<PoolSummary>
  /** Reads a pool file (a regular file, bounded in size, off the main thread) into this library. */
  importFrom(path: string): Promise<PoolSummary>
}

export function createPoolService(deps: { db: Db; modelId: string; dim: number }): PoolService {
  const { db, modelId, dim } = deps
  const q = {
    insert: db.prepare('INSERT INTO pools (name, model_id, trust, lexicon_bias, gate) VALUES (?, ?, ?, ?, ?)'),
    insertEntry: db.prepare('INSERT INTO pool_entries (pool_id, store, label, features) VALUES (?, ?, ?, ?)'),
    insertWord: db.prepare('INSERT OR IGNORE INTO pool_words (pool_id, word) VALUES (?, ?)'),
    summaries: db.prepare(`
      SELECT p.id, p.name, p.model_id AS modelId, p.trust, p.lexicon_bias AS lexiconBias, p.created_at AS createdAt,
        (SELECT count(*) FROM pool_entries e WHERE e.pool_id = p.id) AS entries,
        (SELECT count(*) FROM pool_words w WHERE w.pool_id = p.id) AS words
      FROM pools p WHERE @id IS NULL OR p.id = @id ORDER BY p.name`),
    entries: db.prepare('SELECT store, label, features FROM pool_entries WHERE pool_id = ? ORDER BY id'),
    words: db.prepare('SELECT word FROM pool_words WHERE pool_id = ? ORDER BY word').pluck(),
    forBatch: db.prepare(
      'SELECT p.id, p.trust, p.lexicon_bias AS lexiconBias, p.model_id AS modelId, p.gate FROM batch_pools b JOIN pools p ON p.id = b.pool_id WHERE b.batch_id = ?',
    ),
    use: db.prepare('INSERT OR REPLACE INTO batch_pools (batch_id, pool_id) VALUES (?, ?)'),
    unuse: db.prepare('DELETE FROM batch_pools WHERE batch_id = ?'),
    nameTaken: db.prepare('SELECT 1 FROM pools WHERE name = ?').pluck(),
    gate: db.prepare('SELECT gate FROM pools WHERE id = ?').pluck(),
  }

  function summary(id: number): PoolSummary {
    const row = q.summaries.get({ id }) as PoolSummary | undefined
    if (!row) throw new LectorError('not-found', `There is no pool ${id}.`)
    return row
  }

  const insertPool = db.transaction((name: string, model: string, pool: SavedPool) => {
    const id = Number(q.insert.run(name, model, pool.trust, pool.lexiconBias, pool.gate ? JSON.stringify(pool.gate) : null).lastInsertRowid)
    for (const e of pool.entries) q.insertEntry.run(id, e.store, e.label, encodeHalf(e.features))
    for (const w of pool.words) q.insertWord.run(id, w)
    return id
  })

  function gateOf(poolId: number): z.infer<typeof Gate> | undefined {
    const json = q.gate.get(poolId) as string | null | undefined
    const gate = json ? Gate.safeParse(JSON.parse(json)) : null
    return gate?.success ? gate.data : undefined
  }

  function freeName(name: string): string {
    let candidate = name
    for (let i = 2; q.nameTaken.get(candidate); i++) candidate = `${name} (${i})`
    return candidate
  }

  return {
    save(name, pool) {
      if (!pool.entries.length && !pool.words.length) throw new LectorError('bad-input', 'This batch has no corrections to save as a pool yet.')
      return summary(insertPool(freeName(name), modelId, pool))
    },
    list: () => q.summaries.all({ id: null }) as PoolSummary[],
    forBatch(batchId) {
      const pool = q.forBatch.get(batchId) as { id: number; trust: number; lexiconBias: number; modelId: string; gate: string | null } | undefined
      // A pool saved with other weights has features in another space: it cannot help here.
      if (!pool || pool.modelId !== modelId) return null
      const entries = (q.entries.all(pool.id) as Array<{ store: 'chars' | 'gaps'; label: number; features: Buffer }>).map((e) => ({
        store: e.store,
        label: e.label,
        features: decodeHalf(e.features),
      }))
      const gate = pool.gate ? Gate.safeParse(JSON.parse(pool.gate)) : null
      return { entries, words: q.words.all(pool.id) as string[], trust: pool.trust, lexiconBias: pool.lexiconBias, gate: gate?.success ? gate.data : undefined }
    },
    use(batchId, poolId) {
      if (poolId === null) q.unuse.run(batchId)
      else {
        const pool = summary(poolId)
        if (pool.modelId !== modelId) throw new LectorError('bad-input', `Pool "${pool.name}" was made with another model and cannot be used.`)
        q.use.run(batchId, poolId)
      }
    },
    async exportTo(poolId, path, overwrite = false) {
      const pool = summary(poolId)
      const rows = q.entries.all(poolId) as Array<{ store: 'chars' | 'gaps'; label: number; features: Buffer }>
      const file = {
        format: FILE_FORMAT,
        version: 3,
        name: pool.name,
        modelId: pool.modelId,
        trust: pool.trust,
        dim,
        entries: rows.map((r) => [r.store, r.label]),
        features: Buffer.concat(rows.map((r) => r.features)).toString('base64'),
        words: q.words.all(poolId),
        lexiconBias: pool.lexiconBias,
        gate: gateOf(poolId),
      }
      const bytes = await gzipAsync(JSON.stringify(file))
      // Beside the target, then renamed: never half a pool file, never through a link (see safe-files.ts).
      const out = await createFileSafely(path, { overwrite, what: 'the pool file' })
      try {
        await out.write(bytes)
        await out.commit()
      } catch (err) {
        await out.abort()
        throw err
      }
      return pool
    },
    async importFrom(path) {
      const bytes = await readRegularFile(path, { maxBytes: MAX_POOL_FILE_BYTES, what: 'a pool file' })
      let json: Buffer
      try {
        json = await gunzipAsync(bytes, { maxOutputLength: MAX_POOL_JSON_BYTES })
      } catch (err) {
        // Never the parser's own words: they quote the file's first bytes, whatever they are.
        const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        throw new LectorError(
          tooLarge ? 'bad-input' : 'unreadable',
          tooLarge
            ? `${path} unpacks to more than ${formatBytes(MAX_POOL_JSON_BYTES)}: too large for a pool file Lector can import.`
            : `${path} is not a Lector pool file (it is not gzip-compressed).`,
        )
      }
      let parsed: z.infer<typeof PoolFile>
      try {
        parsed = PoolFile.parse(JSON.parse(json.toString('utf8')))
      } catch (err) {
        const issue = err instanceof z.ZodError ? err.issues[0] : undefined
        const where = issue ? ` (${issue.path.join('.') || 'the file'}: ${issue.message})` : ' (its content is not JSON)'
        throw new LectorError('unreadable', `${path} is not a Lector pool file${where}.`)
      }
      if (parsed.modelId !== modelId || parsed.dim !== dim) {
        throw new LectorError('bad-input', `Pool "${parsed.name}" was made with another model (${parsed.modelId}); this Lector uses ${modelId}.`)
      }
      const features = decodeHalf(Buffer.from(parsed.features, 'base64'))
      if (features.length !== parsed.entries.length * dim) throw new LectorError('unreadable', `${path} is damaged (feature count does not match).`)
      const entries = parsed.entries.map(([store, label], i) => ({ store, label, features: features.subarray(i * dim, (i + 1) * dim) }))
      const pool = { entries, words: parsed.words, trust: parsed.trust, lexiconBias: parsed.lexiconBias, gate: parsed.gate }
      return summary(insertPool(freeName(parsed.name), modelId, pool))
    },
  }
}
