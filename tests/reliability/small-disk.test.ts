// A real small disk: where an unprivileged user may mount a tmpfs of their own (a Linux user and mount
// namespace: `unshare -Urm`), the engine runs with its library on 4 MB of it, filled up during recognition,
// an export and a correction; it stays up, says what failed in words, loses nothing it
// acknowledged, and carries on once the disk has room. Elsewhere the same is shown on a capped library
// (full-disk.test.ts) and skipped here, saying so.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderLines } from '../fixtures/render-lines'

const root = join(import.meta.dirname, '..', '..')
const script = join(import.meta.dirname, 'small-disk-child.ts')
const probe = mkdtempSync(join(tmpdir(), 'lector-tmpfs-probe-'))
const canMount = process.platform === 'linux' && spawnSync('unshare', ['-Urm', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs '${probe}'`], { stdio: 'ignore' }).status === 0

function runOnSmallDisk(disk: string, folder: string): Promise<{ code: number | null; steps: Map<string, Record<string, unknown>>; stderr: string }> {
  const node = [process.execPath, '--import', 'tsx', script, '--disk', disk, '--folder', folder].map((a) => `'${a}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-Urm', 'sh', '-c', `mount -t tmpfs -o size=4m tmpfs '${disk}' && exec ${node}`], {
      cwd: root,
      env: { ...process.env, LECTOR_PROVIDERS: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let stderr = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const steps = new Map(out.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const o = JSON.parse(l) as Record<string, unknown>
        return [o.step as string, o] as const
      }))
      resolve({ code, steps, stderr })
    })
  })
}

describe('a real small disk', () => {
  it.skipIf(!canMount)('keeps the engine up through a full tmpfs in recognition, export and review, and carries on once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lector-small-disk-'))
    const folder = join(dir, 'lines')
    await renderLines(folder, Array.from({ length: 80 }, (_, i) => `total cash ${i} change ${(i * 7) % 100} thank you`))
    const disk = join(dir, 'disk')
    mkdirSync(disk)
    const run = await runOnSmallDisk(disk, folder)
    const context = `${[...run.steps.values()].map((s) => JSON.stringify(s)).join('\n')}\n${run.stderr.slice(-3000)}`
    if (process.env.LECTOR_SMALL_DISK_LOG) console.log(context)
    expect(run.code, context).toBe(0)

    const stopped = run.steps.get('stopped')!
    expect(stopped.done, context).toBeLessThan(80)
    expect(stopped.readingStopped, context).toBe(
      `Reading stopped at ${String(stopped.done)} of 80 lines: the disk holding the library is full. The lines read so far are saved; reading carries on by itself once you free some space.`,
    )
    expect(run.steps.get('alive'), context).toMatchObject({ status: 'cli', rows: 80 })

    const full = run.steps.get('full')!
    expect(full.exported, context).toMatchObject({
      ok: false,
      code: 'unavailable',
      message: `Could not write the export to ${join(disk, 'kept.csv')}: the disk is full. Nothing was replaced and no partial file was left.`,
    })
    expect(full.kept, context).toBe('precious')
    expect((full.files as string[]).filter((f) => f.endsWith('.partial')), context).toEqual([])
    // A correction the full disk cannot take is refused in words (one that fits in the journal may go in).
    const corrected = full.corrected as { ok: boolean; message?: string }
    if (!corrected.ok) expect(corrected.message, context).toMatch(/^This could not be saved: the disk holding the library is full\. Nothing saved before is lost/)

    expect(run.steps.get('room'), context).toMatchObject({ finished: true, done: 80, readingStopped: null, ack: true, exported: true })
    const events = run.steps.get('room')!.events as Array<{ event: string }>
    expect(events.map((e) => e.event), context).toContain('save:recovered')
  })

  if (!canMount) it.skip('keeps the engine up through a full tmpfs (skipped: no tmpfs can be mounted here; full-disk.test.ts shows it on a capped library)', () => {})
})
