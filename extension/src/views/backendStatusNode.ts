import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import { describeBackendState } from '../backend/backendState';
import { CommandIds } from '../commands/commandIds';

/**
 * The one item a Takoss view shows while the backend cannot answer for it: what is wrong
 * and a click that helps (restart after a failure, the logs otherwise). Undefined when the
 * backend is ready. Opening a view starts a stopped backend: activation stays cheap.
 */
export function backendStatusNode(backend: BackendClient, log: vscode.LogOutputChannel): vscode.TreeItem | undefined {
  const state = backend.state;
  if (state.kind === 'stopped') {
    backend.ensureStarted().catch((error: unknown) => log.error(`Backend start failed: ${String(error)}`));
  }
  if (state.kind === 'running' && state.health.phase === 'ready') return undefined;
  const view = describeBackendState(state);
  const item = new vscode.TreeItem(view.problem ?? view.details[0] ?? view.summary);
  item.id = 'takoss.backendStatus';
  item.iconPath = new vscode.ThemeIcon(view.icon);
  item.tooltip = view.details.join('\n');
  item.command =
    state.kind === 'failed'
      ? { command: CommandIds.restartBackend, title: 'Restart Backend' }
      : { command: CommandIds.showLogs, title: 'Show Logs' };
  item.accessibilityInformation = { label: view.details.join('. ') };
  return item;
}

/** A tree item from one of the pure view models (label, description, icon, menus). */
export function treeItemFromView(
  id: string,
  view: {
    readonly label: string;
    readonly description: string;
    readonly tooltip: string;
    readonly contextValue: string;
    readonly collapsible: boolean;
  },
  icon: vscode.ThemeIcon,
): vscode.TreeItem {
  const item = new vscode.TreeItem(
    view.label,
    view.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = id;
  item.description = view.description;
  item.tooltip = view.tooltip;
  item.contextValue = view.contextValue;
  item.iconPath = icon;
  item.accessibilityInformation = { label: `${view.label}, ${view.description}` };
  return item;
}

/** Shown in place of a view's children when loading them failed; the click opens the logs. */
export function loadErrorNode(view: string, error: unknown, log: vscode.LogOutputChannel): vscode.TreeItem {
  log.error(`${view} view: ${String(error)}`);
  const item = new vscode.TreeItem(`Could not load: ${error instanceof Error ? error.message : String(error)}`);
  item.iconPath = new vscode.ThemeIcon('error');
  item.command = { command: CommandIds.showLogs, title: 'Show Logs' };
  return item;
}
