// The process the crash-safety test kills. Run as
//   node --import tsx tests/reliability/engine-child.ts --library L --folder F --corrections C.json [--start K] [--count M]
//     [--fill-after N] [--early]
// It opens the real engine on L, shows what the library holds (before changing anything), opens folder F
// as a batch unless the library has it already, waits for recognition (with --early, each correction waits
// only for its own line to be read: corrections are made while the batch is read), then applies corrections K, K+1, …
// (at most M of them) from C.json (`[{ index, text }]`, index = the line's place in the batch) one at a time through
// `engine.dispatch('review:correct', …)`. One line of stdout per step (pipes are written synchronously
// on Linux, so a line the parent sees happened before the kill):
//   open                       the engine is up (library opened, migrations run, model loaded)
//   list <json>                batch:list
//   lines <json>               the batch's lines as batch:lines shows them (only for a batch that existed)
//   opened <batchId>           the folder was opened as a new batch (recognition starts)
//   resumed <jobId>            the batch was not fully read and a recognition job is running for it
//   stalled <pending>          the batch was not fully read and nothing is reading it
//   progress <done>/<total>    a recognition step was committed
//   read <json>                recognition is over: the batch's summary
//   try <j> <lineId>           correction j is being dispatched
//   ack <lineId> <j> <when>    correction j was acknowledged (dispatch resolved ok); <when> is what the
//                              engine was doing: reading (the batch), loading (its context), ready
//   skip <j> <state>           correction j is for a line that was not read; not sent
//   already <j>                correction K (the first) is the line's latest already: it was committed
//                              before a kill cut its acknowledgement off; not sent again
//   refused <j> <json>         dispatch answered { ok: false } (the parent fails the test, unless the library is full)
//   done                       every correction was applied; the engine closes and the process exits 0
// With --fill-after N, the library is filled up (fill-library.ts: as a full disk) once N corrections of this
// run have been acknowledged, and corrections go on after a refusal:
//   filled                     the library is full from here on
//   save-failed <json>         the engine announced a save nobody waited on that failed (save:failed)
//   alive <json>               after the last correction and its calibration: the engine still answers
//                              (engine:status and the batch's lines); printed before done
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { LineRow } from '../../src/shared/api'
import { call, openEngine } from '../fixtures/engine'
import { fillLibrary } from './fill-library'

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    folder: { type: 'string' },
    corrections: { type: 'string' },
    start: { type: 'string', default: '0' },
    count: { type: 'string' },
    'fill-after': { type: 'string' },
    early: { type: 'boolean', default: false },
  },
})
if (!values.library || !values.folder || !values.corrections) {
  process.stderr.write('usage: engine-child.ts --library FILE --folder DIR --corrections FILE.json [--start K] [--count M]\n')
  process.exit(2)
}
const folder = resolve(values.folder)
const corrections = JSON.parse(readFileSync(values.corrections, 'utf8')) as Array<{ index: number; text: string }>
const say = (line: string) => process.stdout.write(`${line}\n`)

// The full-disk test runs this under a file-size limit: a write past it must fail (EFBIG, which SQLite
// reports), not kill the process with SIGXFSZ, as a full disk would.
process.on('SIGXFSZ', () => {})
const engine = await openEngine(values.library)
say('open')
engine.events.on('save:failed', (e) => say(`save-failed ${JSON.stringify(e)}`))
const fillAfter = values['fill-after'] === undefined ? null : Number(values['fill-after'])

async function allLines(batchId: number): Promise<LineRow[]> {
  const rows: LineRow[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await call(engine, 'batch:lines', { batchId, offset, limit: 500 })
    rows.push(...page.rows)
    if (rows.length >= page.total || !page.rows.length) return rows
  }
}

const list = await call(engine, 'batch:list', {})
say(`list ${JSON.stringify(list)}`)
let batch = list.find((b) => b.source === folder)
if (batch) {
  const rows = await allLines(batch.id)
  say(`lines ${JSON.stringify(rows.map((r) => ({ id: r.id, index: r.index, state: r.state, source: r.source, text: r.text, error: r.error })))}`)
  if (batch.doneCount < batch.lineCount) say(batch.jobId ? `resumed ${batch.jobId}` : `stalled ${batch.lineCount - batch.doneCount}`)
} else {
  engine.events.on('job:progressed', (p) => p.state === 'running' && p.done > 0 && say(`progress ${p.done}/${p.total}`))
  batch = await call(engine, 'batch:openFolder', { path: folder })
  say(`opened ${batch.id}`)
}
const batchId = batch.id
async function sayRead() {
  await engine.batches.whenRead(batchId)
  const summary = (await call(engine, 'batch:list', {})).find((b) => b.id === batchId)!
  say(`read ${JSON.stringify(summary)}`)
}
// Early: the batch is read while the corrections are made ('read' comes when it is over).
const reading = values.early ? sayRead() : null
if (!reading) await sayRead()

/** A line as shown now; early, once it has been read. */
async function whenLineRead(row: LineRow): Promise<LineRow> {
  for (;;) {
    const [now] = await call(engine, 'line:rows', { ids: [row.id] })
    if (!values.early || now.state !== 'pending') return now
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
const doing = () => (engine.batches.summary(batchId).jobId ? 'reading' : engine.review.contextLoading(batchId) ? 'loading' : 'ready')

const rows = await allLines(batch.id)
const start = Number(values.start)
const end = Math.min(corrections.length, values.count ? start + Number(values.count) : corrections.length)
let acked = 0
const fill = () => {
  if (fillAfter === null || acked !== fillAfter) return
  fillLibrary(engine.library)
  say('filled')
}
fill()
for (let j = start; j < end; j++) {
  const { index, text } = corrections[j]
  const line = await whenLineRead(rows[index])
  if (line.state !== 'read') {
    say(`skip ${j} ${line.state}`)
    continue
  }
  if (j === start && line.source === 'human' && line.text === text) {
    say(`already ${j}`)
    continue
  }
  say(`try ${j} ${line.id}`)
  const result = await engine.dispatch('review:correct', { lineId: line.id, text })
  const when = doing()
  if (!result.ok) {
    say(`refused ${j} ${JSON.stringify(result)}`)
    if (fillAfter !== null && acked >= fillAfter) continue
    process.exitCode = 1
    break
  }
  say(`ack ${line.id} ${j} ${when}`)
  acked++
  fill()
}
await reading
if (fillAfter !== null) {
  await engine.review.settled(batch.id)
  const status = await call(engine, 'engine:status', {})
  const shown = await allLines(batch.id)
  say(`alive ${JSON.stringify({ host: status.host, lines: shown.length })}`)
}
say('done')
await engine.close()
