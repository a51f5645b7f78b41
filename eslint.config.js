// ESLint for the whole repository: `npm run lint` (part of `npm test`), no warning allowed to pass.
// Type-aware typescript-eslint for the TypeScript sources, React's hook rules for the renderer, and the
// boundaries of README.md's Layout, written once below as import-x zones.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const root = import.meta.dirname
const core = 'src/main/core'

/**
 * The engine's layers, lowest first (README.md, Layout): a layer imports only from the layers below it
 * (and src/shared). '.' is the core root: every file directly in src/main/core that the top layer does
 * not name. Change the order here and in the README together.
 */
const engineLayers = [
  ['.'],
  ['model'],
  ['recognize'],
  ['store'],
  ['pages'],
  ['detect'],
  ['incontext'],
  ['intake'],
  ['pools'],
  ['review'],
  ['export'],
  ['eval'],
  ['engine.ts', 'dispatch.ts'],
]

const top = engineLayers.at(-1)
/** A file's name without `.test` and its extension: dispatch.test.ts belongs where dispatch.ts does. */
const stem = (name) => name.replace(/(\.test)?\.[cm]?[jt]sx?$/, '')
const coreEntries = readdirSync(join(root, core), { withFileTypes: true })
const coreRoot = coreEntries.filter((e) => e.isFile() && !top.some((t) => stem(t) === stem(e.name))).map((e) => `${core}/${e.name}`)
const layerPaths = (layer) =>
  layer.flatMap((part) => {
    if (part === '.') return coreRoot
    if (part.includes('.')) return coreEntries.filter((e) => e.isFile() && stem(e.name) === stem(part)).map((e) => `${core}/${e.name}`)
    return [`${core}/${part}`]
  })
const layered = new Set(engineLayers.flat())
for (const e of coreEntries) {
  if (e.isDirectory() && !layered.has(e.name)) throw new Error(`eslint.config.js: ${core}/${e.name} is in no engine layer; place it in engineLayers`)
}

const layerZones = engineLayers.slice(0, -1).map((layer, i) => ({
  target: layerPaths(layer),
  from: engineLayers.slice(i + 1).flatMap(layerPaths),
  message: `${layer[0] === '.' ? 'The core root' : `${layer.join(', ')}/`} is layer ${i + 1} of ${engineLayers.length} of the engine, lowest first: it imports only from the layers below it and src/shared (README.md, Layout).`,
}))

/** The Electron shell: the files directly in src/main. */
const electronShell = readdirSync(join(root, 'src/main'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `src/main/${e.name}`)

/** Paths are from the repository root; a zone forbids `target` to import anything under `from` (but `except`). */
const boundaryZones = [
  {
    target: core,
    from: ['node_modules/electron', ...electronShell, 'src/main/bridge', 'src/renderer', 'src/preload', 'src/cli'],
    message: 'The engine is plain Node: no Electron, and nothing of the shells, the preload or the renderer.',
  },
  {
    target: 'src/shared/**/!(*.test).ts',
    from: '.',
    except: ['src/shared', 'node_modules/zod'],
    message: 'src/shared is the contract every side imports: it imports only itself and zod (its schemas).',
  },
  {
    target: 'src/shared/**/*.test.ts',
    from: '.',
    except: ['src/shared', 'node_modules/zod', 'node_modules/vitest'],
    message: 'A test of src/shared imports only src/shared, zod and vitest.',
  },
  {
    target: 'src/renderer',
    from: ['src/main', 'src/preload', 'node_modules/electron'],
    message: 'The renderer reaches the engine only through the contract: types from src/shared, calls through lib/api.ts.',
  },
  {
    target: 'src/**/!(*.test).{ts,tsx,mjs}',
    from: 'tests',
    message: 'Only tests import from tests/.',
  },
  ...layerZones,
]

/**
 * no-unused-expressions, except for a statement that is a sequence of assignments and ++/--, as the engine's
 * hot loops write paired updates: `if (p > bestP) (bestP = p), (best = i)`.
 */
const unusedExpressions = tseslint.plugin.rules['no-unused-expressions']
const onlyEffects = (e) => e.type === 'AssignmentExpression' || e.type === 'UpdateExpression'
const lector = {
  rules: {
    'no-unused-expressions': {
      meta: unusedExpressions.meta,
      create(context) {
        const report = (descriptor) => {
          const e = descriptor.node?.expression
          if (e?.type === 'SequenceExpression' && e.expressions.every(onlyEffects)) return
          context.report(descriptor)
        }
        return unusedExpressions.create(Object.create(context, { report: { value: report } }))
      },
    },
  },
}

export default defineConfig(
  { ignores: ['out/', 'native/', 'node_modules/', 'scratch/', 'test-results/', 'gpu-bench/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { lector },
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      'lector/no-unused-expressions': 'error',
      // `_name` marks a binding left unused on purpose (a rest sibling dropped from an object, say).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `async` without `await` is how this code implements a Promise-returning interface: a throw rejects.
      '@typescript-eslint/require-await': 'off',
      // A closure may read a `let` that is assigned after it is made (a late-bound value).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // Plain JavaScript (scripts/, the worker boot file, this file) is in no tsconfig: no type-aware rules.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  // vitest's asymmetric matchers (expect.any, expect.stringContaining, ...) are typed `any`.
  {
    files: ['**/*.test.ts', 'tests/**'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  // OpenCV's WASM build is typed `any` on purpose, and only in detect/ (detect/opencv.ts says why).
  {
    files: [`${core}/detect/{opencv,crop,det-input,db-postprocess,detector}{,.test}.ts`],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mjs', '.js', '.json', '.node'] })],
      // The files import-x reads for no-cycle (and the parser it reads TypeScript with): by default only .js.
      'import-x/extensions': ['.ts', '.tsx', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      'import-x/no-duplicates': 'error',
      // The zones below only see imports the resolver finds: an import it cannot find fails here too.
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones, basePath: root }],
    },
  },
  {
    files: [`${core}/**`],
    rules: { 'import-x/no-cycle': 'error' },
  },
  // Node's built-in modules exist neither in the contract (shared by every side) nor in the page.
  {
    files: ['src/shared/**', 'src/renderer/**'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },

  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
)
