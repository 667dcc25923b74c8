import * as vscode from 'vscode';
import { BackendClient } from './backend/backendClient';
import { registerCommands } from './commands';
import { ApiKeyStore } from './settings/apiKeyStore';
import { affectsBackendSettings } from './settings/explicitSettings';
import { BackendStatusItem } from './statusBar/backendStatusItem';
import { BackendStatusTreeProvider } from './views/backendStatusTreeProvider';

let backend: BackendClient | undefined;

/** Wires the parts together; the backend itself starts lazily, on first use. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Takoss', { log: true });
  const apiKeys = new ApiKeyStore(context.secrets);
  backend = new BackendClient({
    serverModule: vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath,
    log,
    apiKeys,
  });
  const running = backend;
  const statusTree = new BackendStatusTreeProvider(running, log);

  context.subscriptions.push(
    log,
    new BackendStatusItem(running),
    statusTree,
    vscode.window.registerTreeDataProvider('takoss.templates', statusTree),
    vscode.window.registerTreeDataProvider('takoss.chains', statusTree),
    ...registerCommands({ backend: running, log, apiKeys }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsBackendSettings(event)) void running.restartIfRunning();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void running.restartIfRunning()),
    apiKeys.onDidChange(() => void running.restartIfRunning()),
  );
}

/** Returning the promise lets VS Code wait for the backend's graceful shutdown. */
export function deactivate(): Promise<void> | undefined {
  const stopping = backend?.dispose();
  backend = undefined;
  return stopping;
}
