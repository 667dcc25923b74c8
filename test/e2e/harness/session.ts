/**
 * One UI test's world: a fresh temporary workspace, Takoss's services (a database, a queue and
 * the fake Claude), code-server with the extension under development, and Chromium on the
 * workbench. `close` tears all of it down; failures keep a last screenshot.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeAnthropicScript } from '../../fixtures/fakeAnthropic';
import { REPO_ROOT } from '../../helpers/paths';
import { openWorkbench, type OpenWorkbench } from './browser';
import { type CodeServer, startCodeServer } from './codeServer';
import { keepFailureEvidence } from './steps';
import { startTakossEnvironment, type TakossEnvironment } from './takossEnvironment';
import { Workbench } from './workbench';

export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** Services, code-server, Chromium and the workbench with the extension: 10–20 s, more on a cold machine. */
const SESSION_START_TIMEOUT_MS = 180_000;

export interface SessionOptions {
  /** Names the screenshot folder: test-results/<name>/. */
  readonly name: string;
  readonly script: FakeAnthropicScript;
  /** Extra environment for the backend (e.g. faster retries). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra VS Code user settings (e.g. a colour theme). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** VS Code asks whether to trust the folder (default: trusted without asking). */
  readonly workspaceTrust?: boolean;
  /** Files in the workspace before VS Code opens it, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Open a multi-root workspace of these folders (created inside `workspace`) instead of one folder. */
  readonly folders?: readonly string[];
}

export interface Session {
  /** The folder opened, or the folder that holds a multi-root workspace's folders. */
  readonly workspace: string;
  readonly environment: TakossEnvironment;
  readonly workbench: Workbench;
  /** VS Code's user data folder for this session (logs included). */
  readonly userDataDir: string;
  close(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), `takoss-e2e-${options.name}-`));
  const environment = await startTakossEnvironment(options.script);
  let server: CodeServer | undefined;
  let browser: OpenWorkbench | undefined;
  // Each step runs even if one before it failed; the first failure is reported.
  const close = async () => {
    const steps = await Promise.allSettled([browser?.close()]);
    steps.push(...(await Promise.allSettled([server?.stop()])));
    steps.push(...(await Promise.allSettled([environment.close()])));
    rmSync(workspace, { recursive: true, force: true });
    const failed = steps.find((step): step is PromiseRejectedResult => step.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    for (const [file, content] of Object.entries(options.files ?? {})) {
      mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      writeFileSync(path.join(workspace, file), content);
    }
    const opened = options.folders ? multiRootWorkspace(workspace, options.folders) : workspace;
    server = await startCodeServer({
      env: { ...environment.env, ...options.env },
      workspaceTrust: options.workspaceTrust,
      // Notifications stay until answered, and nothing else (chat, tips) covers the workbench.
      settings: {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'chat.commandCenter.enabled': false,
        'security.workspace.trust.enabled': options.workspaceTrust ?? false,
        ...options.settings,
      },
    });
    browser = await openWorkbench(server.workbenchUrl({ folder: opened, extensionDevelopmentPath: REPO_ROOT }));
    const workbench = new Workbench(browser.page, path.join(RESULTS_DIR, options.name));
    await workbench.waitForTakoss();
    return { workspace, environment, workbench, userDataDir: server.userDataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Creates the folders and a `.code-workspace` file listing them; returns the file. */
function multiRootWorkspace(root: string, folders: readonly string[]): string {
  for (const folder of folders) mkdirSync(path.join(root, folder));
  const file = path.join(root, 'takoss-e2e.code-workspace');
  writeFileSync(file, JSON.stringify({ folders: folders.map((folder) => ({ path: folder })) }, null, 2));
  return file;
}

/**
 * In a `describe`: one session for the suite (started before, closed after), the evidence of
 * any failed test (keepFailureEvidence), and a getter for the session.
 */
export function useSession(options: SessionOptions): () => Session {
  let session: Session | undefined;
  before(async function () {
    this.timeout(SESSION_START_TIMEOUT_MS);
    session = await startSession(options);
  });
  after(async () => session?.close());
  afterEach(async function () {
    await keepFailureEvidence(this, session?.workbench, session?.userDataDir);
  });
  return () => {
    if (!session) throw new Error(`the ${options.name} session did not start`);
    return session;
  };
}
