#!/usr/bin/env node
// npm run electron:native — builds better-sqlite3 for Electron's ABI into native/electron/better_sqlite3.node.
// node_modules/better-sqlite3/build stays the Node build (the CLI, the bridge and the tests use it): we
// compile a copy of the package in a temporary folder. Never run from postinstall.
//
//   --strict        exit 1 on failure (default: say why, exit 0, so `npm start` can go on)
//   --nodedir=DIR   use Electron headers already on disk instead of downloading them
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import {
  electronAbi,
  electronVersion,
  nativeAddon,
  nativeDir,
  nativeInfo,
  root,
  sqliteDir,
  sqliteVersion,
} from './electron-paths.mjs'

const args = process.argv.slice(2)
const strict = args.includes('--strict')
const nodedir = args.find((a) => a.startsWith('--nodedir='))?.slice('--nodedir='.length)
const require = createRequire(join(root, 'package.json'))

class GiveUp extends Error {}
/** Stops the build with one line saying why and what to do (thrown, so the temp folder is removed). */
function giveUp(why, todo) {
  throw new GiveUp(`lector: could not build SQLite for Electron ${electronVersion}: ${why} — ${todo}`)
}

/** node-gyp from the project, else the copy npm bundles (next to npm-cli.js, or next to node). */
function findNodeGyp() {
  const candidates = []
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'))
  } catch {
    // not a project dependency; fall back to npm's
  }
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  const nodeDir = dirname(process.execPath)
  candidates.push(join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  candidates.push(join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  return candidates.find((c) => existsSync(c)) ?? null
}

// npm passes its config to scripts as npm_config_*; a global `nodedir` or `target` would make node-gyp
// build against Node's headers and silently produce the wrong ABI.
function cleanEnv() {
  const env = { ...process.env }
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|build_from_source)$/i.test(key)) delete env[key]
  }
  return env
}

/** The addon really is for Electron's ABI (NODE_MODULE_VERSION is baked into its init symbol). */
function builtForElectron(file) {
  const abi = electronAbi()
  return abi === null || readFileSync(file).includes(`node_register_module_v${abi}`)
}

const work = mkdtempSync(join(tmpdir(), 'lector-sqlite-'))
const pkg = join(work, basename(sqliteDir))
try {
  cpSync(sqliteDir, pkg, {
    recursive: true,
    filter: (src) => {
      const rel = relative(sqliteDir, src).split(/[\\/]/)[0]
      return rel !== 'build' && rel !== 'node_modules'
    },
  })
  const env = cleanEnv()
  const built = join(pkg, 'build', 'Release', 'better_sqlite3.node')
  const target = [`--runtime=electron`, `--target=${electronVersion}`, `--arch=${process.arch}`]

  // A published prebuild (no compiler needed) when one exists for this Electron; quiet when it does not.
  const prebuildBin = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js')
  if (!nodedir && existsSync(prebuildBin)) {
    console.log(`lector: looking for a prebuilt better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}…`)
    spawnSync(process.execPath, [prebuildBin, ...target, `--platform=${process.platform}`], { cwd: pkg, env, stdio: 'ignore', timeout: 120_000 })
  }

  if (!existsSync(built) || !builtForElectron(built)) {
    const nodeGyp = findNodeGyp()
    if (!nodeGyp) giveUp('node-gyp was not found (neither in node_modules nor beside npm)', 'install it with npm i -g node-gyp and retry')
    console.log(`lector: compiling better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (a few minutes)…`)
    const gypArgs = [nodeGyp, 'rebuild', '--release', ...target]
    gypArgs.push(nodedir ? `--nodedir=${nodedir}` : '--dist-url=https://electronjs.org/headers')
    const result = spawnSync(process.execPath, gypArgs, { cwd: pkg, env, stdio: ['ignore', 'inherit', 'pipe'], timeout: 20 * 60_000 })
    const stderr = result.stderr?.toString() ?? ''
    if (result.status !== 0 || !existsSync(built)) {
      const offline = /network connectivity|install got an error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|getaddrinfo/i.test(stderr)
      if (offline && !nodedir) {
        giveUp('the Electron headers could not be downloaded (offline?)', 'run npm run electron:native once online; meanwhile npm run serve gives the same app in a browser')
      }
      process.stderr.write(`${stderr.split('\n').slice(-20).join('\n')}\n`)
      giveUp(`node-gyp failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`, 'see the compiler output above; node-gyp needs Python 3 and a C++ toolchain')
    }
  }
  if (!builtForElectron(built)) {
    giveUp(
      `the result is not for Electron's ABI ${electronAbi()}`,
      nodedir ? `the headers in ${nodedir} are not Electron ${electronVersion}'s` : 'remove any nodedir setting from your npm config and retry',
    )
  }

  mkdirSync(nativeDir, { recursive: true })
  copyFileSync(built, nativeAddon)
  const info = { electron: electronVersion, abi: electronAbi(), betterSqlite3: sqliteVersion, arch: process.arch, builtAt: new Date().toISOString() }
  writeFileSync(nativeInfo, `${JSON.stringify(info, null, 2)}\n`)
  console.log(`lector: wrote ${relative(root, nativeAddon)} (Electron ${electronVersion}, ABI ${info.abi})`)
} catch (err) {
  if (!(err instanceof GiveUp)) throw err
  console.error(err.message)
  process.exitCode = strict ? 1 : 0
} finally {
  rmSync(work, { recursive: true, force: true })
}
