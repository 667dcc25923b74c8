import type * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import type { MemoryDocuments } from '../documents/memoryDocuments';
import type { ChainStore } from '../state/chainStore';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import type { TaskGraphPanels } from '../webview/taskGraphPanels';

/** What commands may use; built once in extension.ts and passed explicitly. */
export interface CommandContext {
  readonly backend: BackendClient;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: ApiKeyStore;
  readonly chains: ChainStore;
  readonly graphs: TaskGraphPanels;
  /** Remembers recent build requests across sessions. */
  readonly globalState: vscode.Memento;
  readonly extensionUri: vscode.Uri;
  /** Read-only generated documents (template analytics). */
  readonly reports: MemoryDocuments;
  /** Reloads the Templates view (after a change this window made without a notification). */
  readonly refreshTemplates: () => void;
}
