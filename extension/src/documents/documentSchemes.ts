import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import { CONTEXT_SCHEME, ContextDocuments } from '../context/contextDocuments';
import type { ChainStore } from '../state/chainStore';
import { TEMPLATE_SCHEME, TemplateFileSystem } from '../templates/templateFileSystem';
import { MemoryDocuments, PROPOSED_SCHEME, REPORT_SCHEME } from './memoryDocuments';

/**
 * The documents Takoss shows under its own URI schemes: proposed files (`takoss-proposed:`,
 * for conflict diffs), reports (`takoss-report:`), chain context (`takoss-context:`) and
 * template versions (`takoss-template:`, a file system so the edit document can be saved).
 */
export function registerDocumentSchemes(
  backend: BackendClient,
  chains: ChainStore,
): {
  readonly proposed: MemoryDocuments;
  readonly reports: MemoryDocuments;
  readonly disposables: vscode.Disposable[];
} {
  const proposed = new MemoryDocuments(PROPOSED_SCHEME);
  const reports = new MemoryDocuments(REPORT_SCHEME);
  const templateFiles = new TemplateFileSystem(backend);
  const contextDocuments = new ContextDocuments(backend, chains);
  return {
    proposed,
    reports,
    disposables: [
      templateFiles,
      contextDocuments,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
      vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, contextDocuments),
      vscode.workspace.registerFileSystemProvider(TEMPLATE_SCHEME, templateFiles, { isCaseSensitive: true }),
    ],
  };
}
