import * as vscode from 'vscode';
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import { ChainCancelRequest, ChainStartRequest, type HealthReport } from '../../../server/src/protocol';
import { describeBackendState } from '../backend/backendState';
import { formatCost, isLive } from '../views/statusIcons';
import { askOptions, askRequest } from './buildAppInput';
import type { CommandContext } from './commandContext';
import { CommandIds } from './commandIds';
import { reportFailure } from './commandTargets';

const MANAGE_TRUST = 'Manage Workspace Trust';
const OPEN_FOLDER = 'Open Folder';
const SET_KEY = 'Set API Key';
const RETRY = 'Retry';
const SHOW_LOGS = 'Show Logs';
const OPEN_FILES = 'Open Files';
const SHOW_GRAPH = 'Show Graph';
const KEY_RESTART_TIMEOUT_MS = 30_000;

/**
 * Takoss: Build App. Asks for the request and options, makes sure the backend, its services
 * and the API key are there, starts the chain, opens its graph, and follows it in a progress
 * notification whose Cancel stops the chain. Ends with a summary of what was written.
 */
export function buildApp(context: CommandContext) {
  return async (): Promise<void> => {
    if (!(await ensureTrusted())) return;
    const folder = await chooseFolder();
    if (!folder) return;
    const request = await askRequest(context.globalState);
    if (!request) return;
    const health = await ensureReady(context);
    if (!health) return;
    const options = await askOptions(context.backend);
    if (!options) return;
    const finished = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Takoss', cancellable: true },
      async (progress, token): Promise<ChainSnapshot | undefined> => {
        progress.report({ message: `planning "${request}"…` });
        let chain: ChainSnapshot;
        try {
          chain = await context.backend.send(
            ChainStartRequest,
            { request, workspace: folder.uri.fsPath, ...options },
            token,
          );
        } catch (error) {
          if (!token.isCancellationRequested) await reportFailure(context.log, 'Build App', error);
          return undefined;
        }
        context.chains.accept(undefined, chain);
        await context.graphs.show(chain.chainId);
        return follow(context, chain, progress, token);
      },
    );
    // After the progress notification has closed: the summary waits for the user.
    if (finished) await summarize(context, finished);
  };
}

async function ensureTrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    'Takoss writes generated files into the workspace, so it only builds in a trusted workspace.',
    MANAGE_TRUST,
  );
  if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

async function chooseFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0];
  if (folders.length > 1) {
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder should Takoss build the app in?' });
  }
  const choice = await vscode.window.showInformationMessage(
    'Takoss builds into a workspace folder. Open a folder (an empty one is fine) first.',
    OPEN_FOLDER,
  );
  if (choice === OPEN_FOLDER) await vscode.commands.executeCommand('vscode.openFolder');
  return undefined;
}

/** The backend's health once Redis, PostgreSQL and an API key are usable; undefined after telling the user why not. */
async function ensureReady(
  context: Pick<CommandContext, 'backend' | 'log' | 'apiKeys'>,
): Promise<HealthReport | undefined> {
  const { backend, log, apiKeys } = context;
  let health: HealthReport;
  try {
    health = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Takoss: starting the backend…' },
      () => backend.ensureSettled(),
    );
  } catch (error) {
    await reportFailure(log, 'Starting the backend', error);
    return undefined;
  }
  const view = describeBackendState({ kind: 'running', health });
  if (view.problem) {
    const choice = await vscode.window.showErrorMessage(`Takoss cannot build yet: ${view.problem}`, RETRY, SHOW_LOGS);
    if (choice === RETRY) return ensureReady(context);
    if (choice === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
    return undefined;
  }
  if (health.apiKey.configured) return health;
  const choice = await vscode.window.showWarningMessage(
    'Takoss needs your Anthropic API key to plan and build. It is kept in your OS keychain.',
    { modal: true },
    SET_KEY,
  );
  if (choice !== SET_KEY) return undefined;
  await vscode.commands.executeCommand(CommandIds.setApiKey);
  if ((await apiKeys.get()) === undefined) return undefined;
  // Storing the key restarts the backend (extension.ts); wait until the new one has it.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, KEY_RESTART_TIMEOUT_MS);
    const subscription = backend.onDidChangeState((state) => {
      if (state.kind === 'running' && state.health.phase !== 'starting' && state.health.apiKey.configured) done();
    });
    function done() {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
  return ensureReady(context);
}

/** Reports task progress until the chain ends; Cancel asks the backend to stop the chain. */
async function follow(
  { backend, chains, log }: CommandContext,
  started: ChainSnapshot,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ChainSnapshot> {
  return new Promise((resolve) => {
    let done = 0;
    const report = (chain: ChainSnapshot) => {
      const succeeded = chain.tasks.filter((task) => task.status === 'succeeded').length;
      const running = chain.tasks.filter((task) => task.status === 'running' || task.status === 'generated').length;
      const total = Math.max(1, chain.tasks.length);
      progress.report({
        message: `${succeeded}/${chain.tasks.length} tasks done, ${running} running · ${formatCost(chain.usage.costUsd)}`,
        increment: ((succeeded - done) / total) * 100,
      });
      done = succeeded;
      if (!isLive(chain.status)) {
        subscription.dispose();
        cancellation.dispose();
        resolve(chain);
      }
    };
    const subscription = chains.onDidChangeChain(({ chain }) => {
      if (chain.chainId === started.chainId) report(chain);
    });
    const cancellation = token.onCancellationRequested(() => {
      progress.report({ message: 'cancelling…' });
      backend.send(ChainCancelRequest, { chainId: started.chainId }).catch((error: unknown) => {
        void reportFailure(log, 'Cancel', error);
      });
    });
    report(chains.peek(started.chainId)?.chain ?? started);
  });
}

async function summarize({ graphs }: CommandContext, chain: ChainSnapshot): Promise<void> {
  const written = chain.tasks.flatMap((task) =>
    task.files.filter((file) => file.action === 'created' || file.action === 'updated').map((file) => file.path),
  );
  const failed = chain.tasks.filter((task) => task.status === 'failed').length;
  const headline =
    chain.status === 'succeeded'
      ? `Takoss built "${chain.request}"`
      : `Takoss stopped "${chain.request}" (${chain.status.replace('_', ' ')}${failed ? `, ${failed} failed` : ''})`;
  const message = `${headline}: ${written.length} files written, ${formatCost(chain.usage.costUsd)}.`;
  const show = chain.status === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(message, ...(written.length > 0 ? [OPEN_FILES] : []), SHOW_GRAPH);
  if (choice === SHOW_GRAPH) await graphs.show(chain.chainId);
  if (choice === OPEN_FILES) await vscode.commands.executeCommand(CommandIds.openTaskFile, { chainId: chain.chainId });
}
