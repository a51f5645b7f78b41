#!/usr/bin/env node
// npm start: build the app, make sure the Electron binary and an Electron-ABI SQLite addon exist, launch.
// Arguments after `npm start --` go to Electron (e.g. `npm start -- --no-sandbox` when running as root).
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { electronBinary, electronDir, electronVersion, nativeAddonIsCurrent, root } from './electron-paths.mjs'

const require = createRequire(join(root, 'package.json'))

function run(step, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (result.error) return { ok: false, why: `${step}: ${result.error.message}` }
  if (result.status !== 0) return { ok: false, why: `${step} exited with ${result.status ?? result.signal}` }
  return { ok: true }
}

function fail(lines) {
  console.error(['', ...lines.map((l) => `lector: ${l}`), ''].join('\n'))
  process.exit(1)
}

// 1. Build main, preload and renderer into out/ (the .bin/electron-vite shim runs this same file).
const electronVite = join(require.resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js')
const build = run('electron-vite build', [electronVite, 'build'])
if (!build.ok) fail([`the build failed (${build.why}); fix the errors above and run npm start again.`])

// 2. Electron 45 downloads its binary on first use, not at npm install.
let exe = electronBinary()
if (!exe) {
  console.log(`lector: downloading the Electron ${electronVersion} binary (once)…`)
  const install = run('node_modules/electron/install.js', [join(electronDir, 'install.js')])
  exe = electronBinary()
  if (!install.ok || !exe) {
    fail([
      `could not download the Electron ${electronVersion} binary (${install.ok ? 'no executable after install' : install.why}).`,
      'This machine is probably offline or cannot reach the Electron download host.',
      'The same app runs in your browser without Electron:   npm run serve',
      'Once online, run npm start again to finish the one-time download.',
    ])
  }
}

// 3. node_modules/better-sqlite3 is built for Node's ABI; Electron needs its own copy in native/electron.
if (!nativeAddonIsCurrent()) {
  const native = run('build-electron-sqlite', [join(root, 'scripts', 'build-electron-sqlite.mjs')])
  if (!native.ok || !nativeAddonIsCurrent()) {
    console.warn('lector: no Electron build of SQLite yet; the app will say so. Retry with: npm run electron:native')
  }
}

// 4. Launch. ELECTRON_RUN_AS_NODE would make the binary a plain Node and ignore the app.
const env = { ...process.env }
delete env.ELECTRON_RUN_AS_NODE
const child = spawn(exe, ['.', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('error', (err) => fail([`could not start Electron (${exe}): ${err.message}`]))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
