import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import { describeBackendState, type BackendState } from '../backend/backendState';
import { CommandIds } from '../commands/commandIds';

/** The status bar item that shows whether the backend and its services are usable. */
export class BackendStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('takoss.backend', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(backend: BackendClient) {
    this.item.name = 'Takoss Backend';
    this.subscription = backend.onDidChangeState((state) => this.render(state));
    this.render(backend.state);
    this.item.show();
  }

  private render(state: BackendState): void {
    const view = describeBackendState(state);
    this.item.text = `$(${view.icon}) ${view.summary}`;
    const tooltip = new vscode.MarkdownString();
    for (const line of view.details) tooltip.appendText(line).appendMarkdown('\n\n');
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.command = state.kind === 'failed' ? CommandIds.restartBackend : CommandIds.showLogs;
    this.item.accessibilityInformation = { label: `${view.summary}. ${view.details.join(' ')}` };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
