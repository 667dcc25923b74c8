import * as vscode from 'vscode';
import type { TakossApi } from './api';
import { BackendClient } from './backend/backendClient';
import { restartOnChanges } from './backend/restartTriggers';
import { registerCommands } from './commands';
import { registerDocumentSchemes } from './documents/documentSchemes';
import { ApiKeyStore } from './settings/apiKeyStore';
import { ChainStore } from './state/chainStore';
import { BackendStatusItem } from './statusBar/backendStatusItem';
import { ChainsStatusItem } from './statusBar/chainsStatusItem';
import { registerViews } from './views/registerViews';
import { TaskGraphPanels } from './webview/taskGraphPanels';
import { answerWorkspaceRequests } from './workspace/workspaceRequests';

let backend: BackendClient | undefined;

/** Wires the parts together; the backend itself starts lazily, on first use. Returns the read-only API (api.ts). */
export function activate(context: vscode.ExtensionContext): TakossApi {
  const log = vscode.window.createOutputChannel('Takoss', { log: true });
  const apiKeys = new ApiKeyStore(context.secrets);
  const serverModule = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const running = new BackendClient({ serverModule, log, apiKeys });
  backend = running;
  const chains = new ChainStore(running);
  const graphs = new TaskGraphPanels(context.extensionUri, chains, log);
  const views = registerViews(running, chains, log);
  const documents = registerDocumentSchemes(running, chains);

  context.subscriptions.push(
    log,
    chains,
    graphs,
    ...views.disposables,
    ...documents.disposables,
    new BackendStatusItem(running),
    new ChainsStatusItem(chains),
    ...answerWorkspaceRequests(running, documents.proposed, log),
    ...registerCommands({
      backend: running,
      log,
      apiKeys,
      chains,
      graphs,
      reports: documents.reports,
      globalState: context.globalState,
      extensionUri: context.extensionUri,
      refreshTemplates: () => views.templates.refresh(),
    }),
    ...restartOnChanges(running, apiKeys),
  );
  return { templatesTree: views.templates, chainsTree: views.chains };
}

/** Returning the promise lets VS Code wait for the backend's graceful shutdown. */
export function deactivate(): Promise<void> | undefined {
  const stopping = backend?.dispose();
  backend = undefined;
  return stopping;
}
