import * as vscode from 'vscode';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import { affectsBackendSettings } from '../settings/explicitSettings';
import type { BackendClient } from './backendClient';

/** What the backend's environment is made of changed: a running backend restarts to pick it up. */
export function restartOnChanges(backend: BackendClient, apiKeys: ApiKeyStore): vscode.Disposable[] {
  return [
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsBackendSettings(event)) void backend.restartIfRunning();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void backend.restartIfRunning()),
    apiKeys.onDidChange(() => void backend.restartIfRunning()),
  ];
}
