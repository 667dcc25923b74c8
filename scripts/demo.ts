/**
 * `npm run demo [-- <workspace>]`: builds the Todo app with the whole engine — Redis,
 * PostgreSQL, BullMQ, the Anthropic SDK, the guarded writer — against the local
 * Messages-API fake, which answers as Claude would for this one request. No API key or
 * network needed; with a real key, run `takoss build` itself. Then runs the built app's tests.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startFakeAnthropic } from '../test/fixtures/fakeAnthropic';
import { TODO_REQUEST, todoAppScript } from '../test/fixtures/todoApp';

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Runs a command without blocking this process: the fake answers from its event loop. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const workspace = path.resolve(process.argv[2] ?? '/tmp/takoss-todo');
  const fake = await startFakeAnthropic(todoAppScript(250));
  try {
    process.stderr.write(`Building "${TODO_REQUEST}" into ${workspace} (Claude simulated at ${fake.baseUrl})\n`);
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    const built = await run(process.execPath, [cli, 'build', TODO_REQUEST, '--workspace', workspace], {
      env: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-demo-local-fake-key', ANTHROPIC_BASE_URL: fake.baseUrl },
    });
    if (built !== 0) return built;
    process.stderr.write(
      `\nFiles in ${workspace}:\n${(await listFiles(workspace)).map((file) => `  ${file}`).join('\n')}\n`,
    );
    process.stderr.write('\nThe built app’s own tests (node --test):\n');
    return await run(process.execPath, ['--test'], { cwd: workspace });
  } finally {
    await fake.close();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
