// @vscode/test-cli: the extension-host suites (test/vscode, bundled to dist/vscode-tests by
// `node scripts/build.mjs --vscode-tests`). `npm run test:vscode` runs them in a downloaded
// desktop VS Code 1.100; with TAKOSS_VSCODE=code-server (what `npm run test:e2e` does here,
// where nothing can be downloaded) scripts/code-server-vscode stands in for the executable
// and runs them in code-server opened in Chromium.
import { defineConfig } from '@vscode/test-cli';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

// A fresh workspace and user data for each run, in the gitignored .vscode-test folder.
const scratch = path.resolve('.vscode-test', 'run');
rmSync(scratch, { recursive: true, force: true });
const workspace = path.join(scratch, 'workspace');
mkdirSync(workspace, { recursive: true });

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
