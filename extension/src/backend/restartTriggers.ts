import * as vscode from 'vscode';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import { affectsBackendSettings } from '../settings/explicitSettings';
import type { BackendClient } from './backendClient';

/**
 * Read when they are used, not when the backend starts: Build App sends them with each build,
 * and the consent answer reads `takoss.verify` before each verify. A restart for them would
 * only interrupt the chains running (the dialog's "Always Run" changes the setting while a
 * chain waits for the answer).
 */
const READ_PER_USE = ['verify', 'maxRepairs'] as const;

/** What the backend's environment is made of changed: a running backend restarts to pick it up. */
export function restartOnChanges(backend: BackendClient, apiKeys: ApiKeyStore): vscode.Disposable[] {
  return [
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsBackendSettings(event, READ_PER_USE)) void backend.restartIfRunning();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void backend.restartIfRunning()),
    apiKeys.onDidChange(() => void backend.restartIfRunning()),
  ];
}
