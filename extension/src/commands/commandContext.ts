import type * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import type { ApiKeyStore } from '../settings/apiKeyStore';

/** What commands may use; built once in extension.ts and passed explicitly. */
export interface CommandContext {
  readonly backend: BackendClient;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: ApiKeyStore;
}
