// @vscode/test-cli: the extension-host suites (test/vscode, bundled to dist/vscode-tests by
// `node scripts/build.mjs --vscode-tests`). `npm run test:vscode` runs them in a downloaded
// desktop VS Code 1.100; with TAKOSS_VSCODE=code-server (what `npm run test:e2e` does here,
// where nothing can be downloaded) scripts/code-server-vscode stands in for the executable
// and runs them in code-server opened in Chromium.
import { defineConfig } from '@vscode/test-cli';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'takoss-vscode-tests-'));
const workspace = path.join(scratch, 'workspace');
mkdirSync(workspace);

export default defineConfig({
  label: 'extension host',
  files: 'dist/vscode-tests/*.test.js',
  version: '1.100.3',
  workspaceFolder: workspace,
  launchArgs: [`--user-data-dir=${path.join(scratch, 'user-data')}`, '--disable-extensions'],
  mocha: {
    ui: 'bdd',
    timeout: 120_000,
    preload: './dist/vscode-tests/setup.js',
    reporter: path.resolve('dist/vscode-tests/summaryReporter.js'),
  },
  ...(process.env.TAKOSS_VSCODE === 'code-server'
    ? { useInstallation: { fromPath: path.resolve('scripts/code-server-vscode') } }
    : {}),
});
