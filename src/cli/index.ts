// The command-line shell: `npm run lector -- <command>`. It drives the same engine, through the same
// contract, as the Electron app and the browser shell.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { lstat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { ApiInput, ApiName, ApiOutput } from '../shared/api'
import { createEngine, type Engine } from '../main/core/engine'
import { defaultLibraryPath } from '../main/core/paths'
import { evalPagesUsage, evaluatePages, formatPages, parseEvalPagesArgs } from './eval-pages'
import { evaluateStreaming, formatStreaming } from './eval-stream'
import { evalUsage, evaluateInContext, evaluateRecognition, formatContext, formatRecognition, parseEvalArgs, type Selection } from './eval'
import { formatSuite, runSuite } from './eval-suite'

const usage = `Lector — review OCR of document batches

Usage: npm run lector -- <command> [options]

Commands:
  run    --input FILE_OR_DIR --out FILE.csv [--db FILE] [--bom] [--force]
         Read line images, page scans (PNG, JPEG, TIFF…) and PDFs — a file or a folder's files — and write
         one CSV row per line: file, page, line, quad, text, status, confidence, model_text, error.
         An existing FILE.csv is replaced only with --force.
  serve  [--port N] [--host 127.0.0.1] [--allow-host NAME]... [--db FILE]
         Start the engine with the browser shell and print the URL to open. --port 0 (the default) picks a
         free port; --host 0.0.0.0 serves every interface (pages opened at this machine's addresses or host
         name); --allow-host accepts another name it is reached by (a DNS name, a proxy's).
${evalUsage}
${evalPagesUsage}
  status [--db FILE]
         Show the model, the execution provider in use (and why others were skipped), the library.

Options:
  --db FILE   the library (default: ${defaultLibraryPath()}; or set LECTOR_LIBRARY)
`

class UsageError extends Error {}

async function call<K extends ApiName>(engine: Engine, name: K, input: ApiInput<K>): Promise<ApiOutput<K>> {
  const result = await engine.dispatch(name, input)
  if (!result.ok) throw new Error(result.message)
  return result.value as ApiOutput<K>
}

function describeStatus(engine: Engine): string {
  const s = engine.status()
  const skipped = s.provider.skipped.map((p) => `\n  skipped ${p.name}: ${p.reason}`).join('')
  return `Lector ${s.version}\nmodel: ${s.model.name} (${s.model.id})\nprovider: ${s.provider.name}${skipped}\nlibrary: ${s.libraryPath}`
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { input: { type: 'string' }, out: { type: 'string' }, db: { type: 'string' }, bom: { type: 'boolean' }, force: { type: 'boolean' } },
  })
  if (!values.input || !values.out) throw new UsageError('run needs --input FILE_OR_DIR and --out FILE.csv')
  // Relative to where the command was given (the engine takes only full paths), and checked before the
  // batch is read rather than after.
  const out = resolve(values.out)
  const force = values.force ?? false
  if (!force && (await lstat(out).catch(() => null))) throw new Error(`${out} already exists: give --force to replace it, or another --out`)
  const engine = await createEngine({ libraryPath: values.db ?? defaultLibraryPath(), host: 'cli' })
  try {
    process.stderr.write(`${describeStatus(engine)}\n`)
    let last = 0
    engine.events.on('job:progressed', (p) => {
      const now = Date.now()
      if (p.state !== 'running' || now - last > 1000) {
        last = now
        process.stderr.write(`${p.state}: ${p.done}/${p.total} lines, ${p.linesPerSecond.toFixed(1)} lines/s${p.message ? ` — ${p.message}` : ''}\n`)
      }
    })
    // The same input run again on the same library is its batch: what was read is not read again, new files are.
    const opened = await call(engine, 'batch:openPaths', { paths: [values.input] })
    const batch = opened.newFiles?.length ? await call(engine, 'batch:readNew', { batchId: opened.id }) : opened
    const stop = () => batch.jobId && void call(engine, 'job:cancel', { jobId: batch.jobId })
    process.once('SIGINT', stop)
    await engine.batches.whenRead(batch.id)
    process.off('SIGINT', stop)
    // The same CSV the app exports: file, page, line, quad, text, status, confidence, model_text, error.
    const written = await call(engine, 'batch:export', { batchId: batch.id, format: 'csv', path: out, bom: values.bom ?? false, overwrite: force })
    const summary = await call(engine, 'batch:list', {}).then((list) => list.find((b) => b.id === batch.id)!)
    const pages = summary.pages.total ? ` from ${summary.pages.total} page${summary.pages.total === 1 ? '' : 's'}` : ''
    const failed = summary.errorCount ? ` (${summary.errorCount} could not be read; see the error column)` : ''
    process.stderr.write(`wrote ${written.lines} lines${pages} to ${out}${failed}\n`)
    for (const f of batch.skipped) process.stderr.write(`skipped (${f.reason}): ${f.name}\n`)
  } finally {
    await engine.close()
  }
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'allow-host': { type: 'string', multiple: true }, db: { type: 'string' } },
  })
  // Checked before the engine starts: a bad port must end the command, not leave an engine running.
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port is a number from 0 to 65535 (0: any free port), not "${values.port}"`)
  const host = values.host ?? '127.0.0.1'
  const { startBridge } = await import('../main/bridge/server')
  const engine = await createEngine({ libraryPath: values.db ?? defaultLibraryPath(), host: 'bridge' })
  const staticDir = resolve(import.meta.dirname, '../../out/renderer')
  let bridge: Awaited<ReturnType<typeof startBridge>>
  try {
    bridge = await startBridge({ engine, port, host, staticDir, hosts: values['allow-host'] })
  } catch (err) {
    // The engine's threads would keep the process alive after the error was printed.
    await engine.close()
    const code = (err as NodeJS.ErrnoException).code
    const cause = { cause: err }
    if (code === 'EADDRINUSE') throw new Error(`port ${port} is in use on ${host}: choose another with --port, or --port 0 for any free one`, cause)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new Error(`cannot serve on ${host}: it is not an address of this machine`, cause)
    if (code === 'EACCES') throw new Error(`port ${port} on ${host} needs privileges: choose a port above 1023`, cause)
    throw err
  }
  process.stderr.write(`${describeStatus(engine)}\n`)
  const elsewhere = bridge.urls.slice(1).map((u) => `\n  or from another machine: ${u}`).join('')
  process.stdout.write(`Lector is running. Open ${bridge.url}${elsewhere}\n(Ctrl+C to stop)\n`)
  // A signal's listener is not awaited: a failure to close is reported here, as main's would be.
  const stop = () => {
    bridge
      .close()
      .then(() => engine.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`lector: ${err instanceof Error ? err.message : String(err)}\n`)
          process.exit(1)
        },
      )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function evalCommand(args: string[]): Promise<void> {
  const values = parseEvalArgs(args)
  if (!values.data && !values.suite) throw new UsageError('eval needs --data DIR (a folder with labels.tsv) or --suite DIR (a folder of them)')
  const correct = Number(values.correct)
  if (!(correct >= 0 && correct < 1)) throw new UsageError('--correct is a fraction of the lines, from 0 to below 1 (e.g. 0.2)')
  const select = values.select as Selection
  if (!['lowconf', 'queue', 'random'].includes(select)) throw new UsageError('--select is lowconf, queue or random')
  const fractions = values.fractions.split(',').map(Number)
  if (!fractions.every((f) => f > 0 && f < 1)) throw new UsageError('--fractions are fractions of the lines, above 0 and below 1 (e.g. 0.1,0.2)')
  const limit = values.limit ? Number(values.limit) : undefined
  // A throwaway library file unless one is named: evaluation must not fill the user's library. (A file,
  // not ':memory:': the in-context worker reads the batch's cached readings from it.)
  const scratch = values.db ? null : mkdtempSync(join(tmpdir(), 'lector-eval-'))
  const engine = await createEngine({ libraryPath: values.db ?? join(scratch!, 'library.db'), host: 'cli' })
  try {
    if (values.suite) {
      const rows = await runSuite(engine, values.suite, { fractions, group: Number(values.group), log: (line) => process.stderr.write(`${line}\n`) })
      process.stdout.write(`${formatSuite(rows)}\n`)
      if (values.out) {
        writeFileSync(resolve(values.out), `${JSON.stringify(rows, null, 2)}\n`)
        process.stderr.write(`wrote ${resolve(values.out)}\n`)
      }
      return
    }
    if (values.stream) {
      if (correct === 0) throw new UsageError('--stream needs --correct F: the reviewer corrects while the batch is read')
      const streamed = await evaluateStreaming(engine, values.data!, { correct, select, seed: Number(values.seed), limit, labels: values.labels })
      process.stdout.write(values.json ? `${JSON.stringify(streamed, null, 2)}\n` : `${formatStreaming(streamed)}\n`)
      return
    }
    const report =
      correct === 0
        ? await evaluateRecognition(engine, values.data!, limit)
        : await evaluateInContext(engine, values.data!, { correct, select, seed: Number(values.seed), limit, labels: values.labels })
    const text = 'greedy' in report ? formatRecognition(report) : formatContext(report)
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`)
  } finally {
    await engine.close()
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

async function evalPagesCommand(args: string[]): Promise<void> {
  const values = parseEvalPagesArgs(args)
  if (!values.data) throw new UsageError('eval-pages needs --data DIR (a folder with pages/pages.jsonl)')
  const limit = values.limit ? Number(values.limit) : undefined
  const report = await evaluatePages(values.data, { limit, reference: !values['no-reference'] })
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatPages(report)}\n`)
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } } })
  const engine = await createEngine({ libraryPath: values.db ?? defaultLibraryPath(), host: 'cli' })
  process.stdout.write(`${describeStatus(engine)}\n`)
  await engine.close()
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return run(rest)
    case 'serve':
      return serve(rest)
    case 'status':
      return status(rest)
    case 'eval':
      return evalCommand(rest)
    case 'eval-pages':
      return evalPagesCommand(rest)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage)
      return
    default:
      throw new UsageError(`unknown command: ${command}`)
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) process.stderr.write(`lector: ${err.message}\n\n${usage}`)
  else process.stderr.write(`lector: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = err instanceof UsageError ? 2 : 1
})
