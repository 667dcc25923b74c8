/**
 * A real VS Code for tests: code-server 4.100.3 (the VS Code 1.100 workbench and its Node
 * extension host), installed by scripts/install-code-server.sh. Desktop VS Code cannot be
 * downloaded on these machines; code-server comes from the npm registry and runs offline.
 * Each instance gets its own port, user data, extensions and HOME, and is killed with its
 * whole process group (extension host and the Takoss backend included).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths';

const INSTALLER = path.join(REPO_ROOT, 'scripts', 'install-code-server.sh');
const START_TIMEOUT_MS = 60_000;

export interface CodeServerOptions {
  /**
   * Extra environment for the server, and so for the extension host and the Takoss backend.
   * A developer's own ANTHROPIC_API_KEY is never passed on: only a key set here is.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to a fresh temporary directory, removed on stop. */
  readonly userDataDir?: string;
  readonly extensionsDir?: string;
  /** Ask whether to trust each folder, as VS Code does by default. Default false: everything is trusted. */
  readonly workspaceTrust?: boolean;
  /** VS Code user settings written before start (settings.json of the user data dir). */
  readonly settings?: Record<string, unknown>;
}

export interface WorkbenchLocation {
  /** The folder to open, or a `.code-workspace` file for a multi-root workspace. */
  readonly folder: string;
  readonly extensionDevelopmentPath?: string;
  /** A module exporting `run()`, as for `--extensionTestsPath`. */
  readonly extensionTestsPath?: string;
}

export interface CodeServer {
  readonly origin: string;
  /** VS Code's user data: settings, state and logs (the extension host's included). */
  readonly userDataDir: string;
  /** The workbench URL for a folder, with the development extension and tests as the desktop flags would load them. */
  workbenchUrl(location: WorkbenchLocation): string;
  /** Everything the server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

/** The code-server entry point, installing it first if needed (about 1 s when installed). */
export function codeServerEntry(): string {
  return execFileSync('bash', [INSTALLER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function withoutApiKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ANTHROPIC_API_KEY: _developersKey, ...rest } = env;
  return rest;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(origin: string, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`code-server exited during start:\n${output()}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = codeServerEntry();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'takoss-code-server-'));
  const userDataDir = options.userDataDir ?? path.join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(scratch, 'extensions');
  const home = path.join(scratch, 'home');
  for (const dir of [userDataDir, extensionsDir, home]) mkdirSync(dir, { recursive: true });
  if (options.settings) {
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = path.join(scratch, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  let output = '';
  let exited = false;
  // code-server writes to ~/.config even for --version: give it a home of its own.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      '--config',
      config,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...withoutApiKey(process.env),
        ...options.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
      },
    },
  );
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the whole group is gone already
    }
  };
  // The group is detached: if this process dies first, take it along.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    if (!exited) {
      killGroup('SIGTERM');
      const killTimer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(killTimer);
    }
    // The server may be gone while its extension host and the backend are not.
    killGroup('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    await waitForHealth(
      origin,
      () => exited,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(file)}`;
  return {
    origin,
    userDataDir,
    workbenchUrl(location) {
      const payload: [string, string][] = [];
      if (location.extensionDevelopmentPath) {
        payload.push(['extensionDevelopmentPath', remote(location.extensionDevelopmentPath)]);
      }
      if (location.extensionTestsPath) payload.push(['extensionTestsPath', remote(location.extensionTestsPath)]);
      const opened = path.resolve(location.folder);
      const query = new URLSearchParams(
        opened.endsWith('.code-workspace') ? { workspace: opened } : { folder: opened },
      );
      if (payload.length > 0) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    output: () => output,
    stop,
  };
}
