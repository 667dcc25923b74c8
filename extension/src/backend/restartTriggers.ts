import * as vscode from 'vscode';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import { affectsBackendSettings, readVerifyMode } from '../settings/explicitSettings';
import type { BackendClient } from './backendClient';

/** What the backend's environment is made of changed: a running backend restarts to pick it up. */
export function restartOnChanges(backend: BackendClient, apiKeys: ApiKeyStore): vscode.Disposable[] {
  let verifyMode = readVerifyMode();
  return [
    vscode.workspace.onDidChangeConfiguration((event) => {
      const before = verifyMode;
      verifyMode = readVerifyMode();
      // "Always Run" in the verify question turns ask into always while a chain waits for the
      // answer. The backend asks this window before every verify either way (verifyConsent.ts
      // reads the setting then), so a restart would only interrupt that chain.
      const except = before === 'ask' && verifyMode === 'always' ? (['verify'] as const) : [];
      if (affectsBackendSettings(event, except)) void backend.restartIfRunning();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // Trust lets the workspace's own takoss.verify count.
      verifyMode = readVerifyMode();
      void backend.restartIfRunning();
    }),
    apiKeys.onDidChange(() => void backend.restartIfRunning()),
  ];
}
