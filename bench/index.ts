// npm run bench -- <name> [options]: benchmarks that print figures (never assertions).
import { benchContext } from './context'
import { benchLoad } from './load'
import { benchPages } from './pages'
import { benchRecognize } from './recognize'
import { benchUi } from './ui'

const benches: Record<string, (args: string[]) => Promise<void>> = {
  context: benchContext,
  load: benchLoad,
  pages: benchPages,
  recognize: benchRecognize,
  ui: benchUi,
}

const [name, ...args] = process.argv.slice(2)
const run = name ? benches[name] : undefined
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`)
  process.exitCode = 2
} else {
  await run(args)
}
