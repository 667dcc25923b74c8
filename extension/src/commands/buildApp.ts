import path from 'node:path';
import * as vscode from 'vscode';
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import { ChainStartRequest, type HealthReport } from '../../../server/src/protocol';
import { settledHealthOf } from '../backend/backendClient';
import { describeBackendState } from '../backend/backendState';
import { readVerifySettings } from '../settings/explicitSettings';
import { parseBuildAppArguments } from './buildAppArguments';
import { askOptions, askRequest, defaultOptions } from './buildAppInput';
import { followBuild, summarizeBuild, type FollowedBuild } from './followBuild';
import type { CommandContext } from './commandContext';
import { CommandIds } from './commandIds';
import { reportFailure } from './commandTargets';

const MANAGE_TRUST = 'Manage Workspace Trust';
const OPEN_FOLDER = 'Open Folder';
const SET_KEY = 'Set API Key';
const RETRY = 'Retry';
const SHOW_LOGS = 'Show Logs';
const KEY_RESTART_TIMEOUT_MS = 30_000;

/**
 * Takoss: Build App. Asks for the request and options, makes sure the backend, its services
 * and the API key are there, starts the chain, opens its graph, and follows it in a progress
 * notification whose Cancel stops the chain. Ends with a summary of what was written.
 */
export function buildApp(context: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    const parsed = parseBuildAppArguments(argument);
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(`Takoss: Build App was given arguments it cannot use — ${parsed.error}.`);
      return;
    }
    const given = parsed.value;
    if (!(await ensureTrusted())) return;
    const folder = await chooseFolder(given.folder);
    if (!folder) return;
    const request = given.request ?? (await askRequest(context.globalState));
    if (!request) return;
    const health = await ensureReady(context);
    if (!health) return;
    const options = given.options ? { ...defaultOptions(), ...given.options } : await askOptions(context.backend);
    if (!options) return;
    const finished = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Takoss', cancellable: true },
      async (progress, token): Promise<FollowedBuild | undefined> => {
        progress.report({ message: `planning "${request}"…` });
        let chain: ChainSnapshot;
        try {
          chain = await context.backend.send(
            ChainStartRequest,
            { request, workspace: folder.uri.fsPath, ...options, ...readVerifySettings() },
            token,
          );
        } catch (error) {
          if (!token.isCancellationRequested) await reportFailure(context.log, 'Build App', error);
          return undefined;
        }
        context.chains.accept(undefined, chain);
        await context.graphs.show(chain.chainId);
        return followBuild(context, chain, progress, token);
      },
    );
    // After the progress notification has closed: the summary waits for the user.
    if (finished) await summarizeBuild(context, finished);
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

async function chooseFolder(givenPath: string | undefined): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (givenPath !== undefined) {
    const wanted = path.resolve(givenPath);
    const given = folders.find((folder) => path.resolve(folder.uri.fsPath) === wanted);
    if (!given) {
      const open = folders.map((folder) => folder.uri.fsPath).join(', ') || 'none';
      void vscode.window.showErrorMessage(
        `Takoss: "${givenPath}" is not a folder of this workspace (open: ${open}). Pass one of those, or no folder to be asked.`,
      );
    }
    return given;
  }
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
    // A notification only while the backend starts: one shown and closed at once flashes, and
    // counts against the toasts VS Code shows (three in 800 ms; it sends the rest to the
    // notification centre unseen), which a build that ends fast needs for its summary.
    health =
      backend.settledHealth() ??
      (await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Takoss: starting the backend…' },
        () => backend.ensureSettled(),
      ));
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
      if (settledHealthOf(state)?.apiKey.configured) done();
    });
    function done() {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
  return ensureReady(context);
}
