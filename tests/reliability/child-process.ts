// Runs tests/reliability/engine-child.ts as a child process and kills it with SIGKILL at a chosen moment:
// a delay after it starts, or after it prints a given marker (see the protocol in engine-child.ts).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const root = join(import.meta.dirname, '..', '..')
const script = join(import.meta.dirname, 'engine-child.ts')

export type Marker = 'opened' | 'lines' | 'progress' | 'read' | 'try' | 'ack' | 'filled'

export interface KillPlan {
  /** Start the clock at spawn, or when the child prints a line starting with (one of) these markers. */
  after: 'spawn' | Marker | Marker[]
  /** Which occurrence of the marker starts the clock (1 = the first). */
  nth?: number
  delayMs: number
}

export interface ChildRun {
  /** Every stdout line, with the time it arrived (ms since spawn). */
  out: Array<{ t: number; line: string }>
  /** True when the kill landed (the child was still running). */
  killed: boolean
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/** The arguments after the first space of the last line starting with `marker`, or undefined. */
export function lastMarker(run: ChildRun, marker: string): string | undefined {
  for (let i = run.out.length - 1; i >= 0; i--) {
    const { line } = run.out[i]
    if (line === marker) return ''
    if (line.startsWith(`${marker} `)) return line.slice(marker.length + 1)
  }
  return undefined
}

export function runChild(args: string[], kill?: KillPlan, limitMs = 120_000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, LECTOR_PROVIDERS: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const run: ChildRun = { out: [], killed: false, code: null, signal: null, stderr: '' }
    const timers: NodeJS.Timeout[] = []
    const killNow = () => {
      if (child.exitCode === null && child.signalCode === null) {
        run.killed = child.kill('SIGKILL')
      }
    }
    const arm = () => timers.push(setTimeout(killNow, kill!.delayMs))
    // A child that hangs is a failure of its own, not a kill.
    const limit = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the engine child ran past ${limitMs} ms; stdout so far:\n${run.out.map((o) => o.line.slice(0, 200)).join('\n')}\nstderr:\n${run.stderr}`))
    }, limitMs)
    if (kill?.after === 'spawn') arm()
    let armed = kill?.after === 'spawn'
    let seen = 0
    const markers = kill && kill.after !== 'spawn' ? [kill.after].flat() : []
    createInterface({ input: child.stdout }).on('line', (line) => {
      run.out.push({ t: performance.now() - started, line })
      if (kill && !armed && markers.some((m) => line === m || line.startsWith(`${m} `)) && ++seen >= (kill.nth ?? 1)) {
        armed = true
        arm()
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t)
      clearTimeout(limit)
      run.code = code
      run.signal = signal
      resolve(run)
    })
  })
}
