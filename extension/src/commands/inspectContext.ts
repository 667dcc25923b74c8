import * as vscode from 'vscode';
import { contextUri } from '../context/contextDocuments';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

/**
 * Takoss: Inspect Context — the accumulator's content for a chain (results, history, stats,
 * TTL) or, for a task, exactly what it received and produced; as a read-only document.
 */
export function inspectContext({ chains, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Inspect Context' });
      if (!target) return;
      const document = await vscode.workspace.openTextDocument(contextUri(target.chainId, target.taskId));
      await vscode.languages.setTextDocumentLanguage(document, 'markdown');
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (error) {
      await reportFailure(log, 'Inspect Context', error);
    }
  };
}
