/**
 * The requests the backend sends about the workspace, each bound to what answers it:
 * writing a task's files, and consent to run the generated project's checks.
 */
import type * as vscode from 'vscode';
import { ApplyFilesRequest, VerifyConsentRequest } from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import type { MemoryDocuments } from '../documents/memoryDocuments';
import { verifyConsentHandler } from './verifyConsent';
import { WorkspaceWriter } from './workspaceWriter';

export function answerWorkspaceRequests(
  backend: BackendClient,
  proposed: MemoryDocuments,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const writer = new WorkspaceWriter(proposed, log);
  return [
    backend.onRequest(ApplyFilesRequest, (params, token) => writer.apply(params, token)),
    backend.onRequest(VerifyConsentRequest, verifyConsentHandler(log)),
  ];
}
