import * as vscode from 'vscode';
import { ApplyFilesRequest } from '../../server/src/protocol';
import type { TakossApi } from './api';
import { BackendClient } from './backend/backendClient';
import { registerCommands } from './commands';
import { CONTEXT_SCHEME, ContextDocuments } from './context/contextDocuments';
import { MemoryDocuments, PROPOSED_SCHEME, REPORT_SCHEME } from './documents/memoryDocuments';
import { ApiKeyStore } from './settings/apiKeyStore';
import { affectsBackendSettings } from './settings/explicitSettings';
import { ChainStore } from './state/chainStore';
import { BackendStatusItem } from './statusBar/backendStatusItem';
import { ChainsStatusItem } from './statusBar/chainsStatusItem';
import { TEMPLATE_SCHEME, TemplateFileSystem } from './templates/templateFileSystem';
import { ChainsTreeProvider } from './views/chainsTreeProvider';
import { TemplatesTreeProvider } from './views/templatesTreeProvider';
import { TaskGraphPanels } from './webview/taskGraphPanels';
import { WorkspaceWriter } from './workspace/workspaceWriter';

let backend: BackendClient | undefined;

/** Wires the parts together; the backend itself starts lazily, on first use. Returns the read-only API (api.ts). */
export function activate(context: vscode.ExtensionContext): TakossApi {
  const log = vscode.window.createOutputChannel('Takoss', { log: true });
  const apiKeys = new ApiKeyStore(context.secrets);
  const running = new BackendClient({
    serverModule: vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath,
    log,
    apiKeys,
  });
  backend = running;
  const chains = new ChainStore(running);
  const graphs = new TaskGraphPanels(context.extensionUri, chains, log);
  const templatesTree = new TemplatesTreeProvider(running, log);
  const chainsTree = new ChainsTreeProvider(running, chains, log);
  const proposed = new MemoryDocuments(PROPOSED_SCHEME);
  const reports = new MemoryDocuments(REPORT_SCHEME);
  const writer = new WorkspaceWriter(proposed, log);
  const templateFiles = new TemplateFileSystem(running);
  const contextDocuments = new ContextDocuments(running, chains);

  context.subscriptions.push(
    log,
    chains,
    graphs,
    templatesTree,
    chainsTree,
    templateFiles,
    contextDocuments,
    new BackendStatusItem(running),
    new ChainsStatusItem(chains),
    vscode.window.registerTreeDataProvider('takoss.templates', templatesTree),
    vscode.window.registerTreeDataProvider('takoss.chains', chainsTree),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, contextDocuments),
    vscode.workspace.registerFileSystemProvider(TEMPLATE_SCHEME, templateFiles, { isCaseSensitive: true }),
    running.onRequest(ApplyFilesRequest, (params, token) => writer.apply(params, token)),
    ...registerCommands({
      backend: running,
      log,
      apiKeys,
      chains,
      graphs,
      reports,
      globalState: context.globalState,
      extensionUri: context.extensionUri,
      refreshTemplates: () => templatesTree.refresh(),
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsBackendSettings(event)) void running.restartIfRunning();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void running.restartIfRunning()),
    apiKeys.onDidChange(() => void running.restartIfRunning()),
  );
  return { templatesTree, chainsTree };
}

/** Returning the promise lets VS Code wait for the backend's graceful shutdown. */
export function deactivate(): Promise<void> | undefined {
  const stopping = backend?.dispose();
  backend = undefined;
  return stopping;
}
