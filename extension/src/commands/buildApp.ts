import * as vscode from 'vscode';
import { describeBackendState } from '../backend/backendState';
import { CommandIds } from './commandIds';
import type { CommandContext } from './commandContext';

const SHOW_LOGS = 'Show Logs';
const RETRY = 'Retry';
const MANAGE_TRUST = 'Manage Workspace Trust';

/**
 * Takoss: Build App. This version checks what a build needs — a trusted workspace and a
 * ready backend — and says what is missing; the chain engine that runs the build comes next.
 */
export function buildApp({ backend, log }: CommandContext) {
  const run = async (): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(
        'Takoss writes generated files into the workspace, so it only builds in a trusted workspace.',
        MANAGE_TRUST,
      );
      if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    let health;
    try {
      health = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Takoss: starting the backend…' },
        () => backend.ensureSettled(),
      );
    } catch (error) {
      log.error(`Build App: ${String(error)}`);
      const choice = await vscode.window.showErrorMessage(
        `Takoss: ${error instanceof Error ? error.message : String(error)}`,
        SHOW_LOGS,
      );
      if (choice === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
      return;
    }
    const view = describeBackendState({ kind: 'running', health });
    if (view.problem) {
      const choice = await vscode.window.showErrorMessage(`Takoss cannot build yet: ${view.problem}`, RETRY, SHOW_LOGS);
      if (choice === RETRY) await run();
      if (choice === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
      return;
    }
    await vscode.window.showInformationMessage(
      'Takoss: the backend is ready (Redis and PostgreSQL answer, migrations applied). ' +
        'Building apps arrives with the chain engine in the next release; until then use this to check your setup.',
    );
  };
  return run;
}
