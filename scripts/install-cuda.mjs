#!/usr/bin/env node
// npm run gpu:cuda — opt-in: fetch onnxruntime-node's CUDA 12 execution provider. The npm package ships
// CPU only (the CUDA libraries are too large for the registry); its own install script downloads them
// from NuGet when asked with ONNXRUNTIME_NODE_INSTALL=cuda12. package.json keeps that script from
// running at npm install, so nothing large is fetched unless a user runs this.
//
//   --force   download again even if the provider is already there
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, platform } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const ortDir = dirname(require.resolve('onnxruntime-node/package.json'))
const ortVersion = require('onnxruntime-node/package.json').version
const metadata = require(join(ortDir, 'script', 'install-metadata.js'))
const target = `${platform()}/${arch()}`
const binDir = join(ortDir, 'bin', 'napi-v6', target)

function say(line) {
  console.log(`lector: ${line}`)
}
function fail(lines) {
  for (const line of lines) console.error(`lector: ${line}`)
  process.exit(1)
}

if (!(metadata.requirements[target] ?? []).includes('cuda12')) {
  fail([
    `onnxruntime-node ${ortVersion} offers no CUDA download for ${target}; only linux/x64 has one.`,
    'Lector picks the best provider it has by itself: DirectML on Windows, CoreML on macOS, else CPU.',
  ])
}

const files = Object.keys(metadata.manifests[`${target}:cuda12`]).map((f) => join(binDir, f))
const installed = () => files.every((f) => existsSync(f))
if (installed() && !process.argv.includes('--force')) {
  say(`the CUDA 12 provider is already installed in ${binDir} (use --force to download it again).`)
  process.exit(0)
}

say(`downloading the CUDA 12 execution provider for onnxruntime-node ${ortVersion} from NuGet (several hundred MB)…`)
const result = spawnSync(process.execPath, [join(ortDir, 'script', 'install.js'), '--onnxruntime-node-install=cuda12'], {
  cwd: ortDir,
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
  stdio: 'inherit',
})
if (result.error || result.status !== 0 || !installed()) {
  fail([
    `the CUDA provider was not installed (onnxruntime-node's install script ${
      result.error ? `could not run: ${result.error.message}` : `exited with ${result.status ?? result.signal}`
    }).`,
    'Most often the machine cannot reach NuGet (offline?): retry when online (a proxy can be set with GLOBAL_AGENT_HTTPS_PROXY).',
    'Nothing else changed: Lector keeps running on the CPU provider.',
  ])
}

say(`installed: ${files.map((f) => f.slice(binDir.length + 1)).join(', ')}`)
say('The provider also needs the NVIDIA driver plus the CUDA 12 and cuDNN 9 runtime libraries on the library path.')
say("Lector tries CUDA first; if it cannot start, it says why and runs on the CPU (see the provider in the app's status, or npm run lector -- bench).")
if (spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore' }).status !== 0) {
  say('note: nvidia-smi did not run here, so no NVIDIA GPU or driver was found on this machine.')
}
