#!/usr/bin/env node
// One esbuild script, three bundles (type-checking is `npm run typecheck`; esbuild does not):
//   dist/extension.js  the VS Code extension (CJS, `vscode` external)
//   dist/cli.js        the backend and CLI (Node 20, CJS; the extension forks it as `cli.js serve`)
//   dist/webview/      the task-graph webview (browser, IIFE)
// Flags: --production (minify, no source maps), --watch, --vscode-tests (instead: the
// extension-host test suites, test/vscode/*.ts → dist/vscode-tests/, for @vscode/test-cli).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const vscodeTests = process.argv.includes('--vscode-tests');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  define: { TAKOSS_BUILD_VERSION: JSON.stringify(version) },
};

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  {
    ...common,
    entryPoints: ['extension/src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    metafile: true,
  },
  {
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // pg loads pg-native only when asked for; Takoss never asks.
    external: ['pg-native'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['webview-ui/src/main.tsx'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    define: { ...common.define, 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  },
];

/** @type {esbuild.BuildOptions} */
const extensionHostTests = {
  ...common,
  entryPoints: ['test/vscode/*.ts'],
  outdir: 'dist/vscode-tests',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // mocha: the reporter extends the mocha the runner already loaded.
  external: ['vscode', 'pg-native', 'mocha'],
};

if (vscodeTests) {
  await esbuild.build(extensionHostTests);
  console.error('[build] extension-host tests in dist/vscode-tests');
} else if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.error('[build] watching for changes…');
} else {
  const started = Date.now();
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  console.error(`[build] ${bundles.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
