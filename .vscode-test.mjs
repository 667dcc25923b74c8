// @vscode/test-cli: the extension-host suites (test/vscode, bundled to dist/vscode-tests by
// `node scripts/build.mjs --vscode-tests`). `npm run test:vscode` runs them in a downloaded
// desktop VS Code 1.100; with TAKOSS_VSCODE=code-server (what `npm run test:e2e` does here,
// where nothing can be downloaded) scripts/code-server-vscode stands in for the executable
// and runs them in code-server opened in Chromium.
import { defineConfig } from '@vscode/test-cli';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// A fresh workspace and user data for each run, in the gitignored .vscode-test folder.
const scratch = path.resolve('.vscode-test', 'run');
rmSync(scratch, { recursive: true, force: true });
const workspace = path.join(scratch, 'workspace');
mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
// The folder opts out of verify and repair, as a project may: the checks would `npm install`
// the Todo app's dependencies from the network, and extension tests cannot answer the modal
// consent question (VS Code refuses dialogs there). build.test.ts asserts the chain has no ladder.
writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'takoss.verify': 'never' }, null, 2));

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
