// A disk that fills up mid-review: the engine runs under a file-size limit (prlimit, as a full disk refuses
// to grow a file), corrections go on until the disk refuses one, which gets a clear message; every
// correction acknowledged before is still there when the engine starts again with room, and reviewing
// carries on.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LineRow } from '../../src/shared/api'
import { renderLines } from '../fixtures/render-lines'

const root = join(import.meta.dirname, '..', '..')
const script = join(import.meta.dirname, 'engine-child.ts')
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0

/** Runs engine-child.ts (optionally under a file-size limit) to its end; its stdout lines. */
function run(args: string[], fileSizeLimit?: number): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const node = [process.execPath, '--import', 'tsx', script, ...args]
  const [cmd, ...rest] = fileSizeLimit ? ['prlimit', `--fsize=${fileSizeLimit}`, ...node] : node
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { cwd: root, env: { ...process.env, LECTOR_PROVIDERS: 'cpu' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stderr = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean), stderr }))
  })
}

const marker = (lines: string[], m: string) => lines.filter((l) => l.startsWith(`${m} `)).map((l) => l.slice(m.length + 1))

describe('a full disk', () => {
  it.skipIf(!hasPrlimit)('refuses the correction it cannot save with a clear message and keeps every one saved before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-full-'))
    const folder = join(dir, 'lines')
    const texts = Array.from({ length: 40 }, (_, i) => `total cash ${i}`)
    await renderLines(folder, texts)
    const corrections = texts.map((t, index) => ({ index, text: `${t.toUpperCase()} — checked by the reviewer, with a note to make the row long: ${'x'.repeat(400)}` }))
    writeFileSync(join(dir, 'corrections.json'), JSON.stringify(corrections))
    const library = join(dir, 'library.db')
    const args = (start: number, count: number) => ['--library', library, '--folder', folder, '--corrections', join(dir, 'corrections.json'), '--start', String(start), '--count', String(count)]

    const first = await run(args(0, 2))
    expect(first.code, first.stderr).toBe(0)
    // Room for the shared-memory index (32 KB) and a few pages of log, not for forty long corrections.
    const limit = 64 * 1024
    expect(statSync(library).size).toBeGreaterThan(limit)
    const full = await run(args(2, 38), limit)
    const acked = marker(full.lines, 'ack')
    const refused = marker(full.lines, 'refused')
    expect(refused, `${full.lines.join('\n')}\n${full.stderr}`).toHaveLength(1)
    expect(acked.length).toBeLessThan(38)
    if (process.env.LECTOR_FULL_DISK_LOG) console.log(`${acked.length} acknowledged under the limit, then: ${refused[0]}`)
    expect(refused[0]).toMatch(/"code":"unavailable".*could not be saved to .*the disk is full or failing\. Nothing saved before is lost/)

    // With room again: the library opens, every acknowledged correction is there, and review goes on.
    const next = 2 + acked.length
    const again = await run(args(next, 1))
    expect(again.code, again.stderr).toBe(0)
    const rows = JSON.parse(marker(again.lines, 'lines')[0]) as LineRow[]
    const saved = [0, 1, ...acked.map((a) => Number(a.split(' ')[1]))]
    for (const j of saved) expect(rows[corrections[j].index]).toMatchObject({ source: 'human', text: corrections[j].text })
    expect(marker(again.lines, 'ack')).toHaveLength(1)
  })
})
