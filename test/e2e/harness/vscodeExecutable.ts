/**
 * A stand-in for the VS Code executable that takes @vscode/test-electron's flags and runs
 * the extension-host tests in code-server opened in Chromium, so `@vscode/test-cli` (and
 * `runTests`) work on machines where desktop VS Code cannot be downloaded. Exits with the
 * tests' exit code. scripts/code-server-vscode is its executable entry.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openWorkbench } from './browser';
import { startCodeServer } from './codeServer';

const RUN_TIMEOUT_MS = 10 * 60_000;

async function main(): Promise<number> {
  // test-electron also passes --no-sandbox, --disable-updates, --skip-welcome… which mean
  // nothing to code-server: strict false lets them through unread.
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    strict: false,
    allowPositionals: true,
    options: {
      extensionDevelopmentPath: { type: 'string' },
      extensionTestsPath: { type: 'string' },
      'user-data-dir': { type: 'string' },
      'extensions-dir': { type: 'string' },
    },
  });
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const extensionTestsPath = str(values.extensionTestsPath);
  if (!extensionTestsPath) {
    process.stderr.write('code-server-vscode runs extension tests: pass --extensionTestsPath=<module>.\n');
    return 2;
  }
  const folder = positionals[0] ?? mkdtempSync(path.join(os.tmpdir(), 'takoss-vscode-tests-'));
  const server = await startCodeServer({
    userDataDir: str(values['user-data-dir']),
    extensionsDir: str(values['extensions-dir']),
  });
  let timer: NodeJS.Timeout | undefined;
  let opening: ReturnType<typeof openWorkbench> | undefined;
  const finished = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(`Extension tests did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes.\n`);
      resolve(1);
    }, RUN_TIMEOUT_MS);
    opening = openWorkbench(
      server.workbenchUrl({
        folder,
        extensionDevelopmentPath: str(values.extensionDevelopmentPath),
        extensionTestsPath,
      }),
      {
        onLog: (type, text) => (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`),
        onExit: resolve,
      },
    );
    opening.catch((error: unknown) => {
      process.stderr.write(`Could not open the workbench: ${String(error)}\n${server.output()}\n`);
      resolve(1);
    });
  });
  try {
    return await finished;
  } finally {
    clearTimeout(timer);
    await opening?.then(
      (workbench) => workbench.close(),
      () => undefined,
    );
    await server.stop();
  }
}

void main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
