import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import { describeBackendState } from '../backend/backendState';
import { CommandIds } from '../commands/commandIds';

/**
 * Feeds the Templates and Chains views until the backend serves their content: opening
 * either view starts the backend (lazily, as activation should be cheap), and while it is
 * not ready the view shows one item saying what is wrong. When it is ready the view is
 * empty and VS Code shows the view's welcome content from package.json.
 */
export class BackendStatusTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly backend: BackendClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = backend.onDidChangeState(() => this.changeEmitter.fire());
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(element?: vscode.TreeItem): vscode.TreeItem[] {
    if (element) return [];
    if (this.backend.state.kind === 'stopped') {
      this.backend.ensureStarted().catch((error: unknown) => this.log.error(`Backend start failed: ${String(error)}`));
    }
    const status = this.statusItem();
    return status ? [status] : [];
  }

  private statusItem(): vscode.TreeItem | undefined {
    const state = this.backend.state;
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

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
