import * as vscode from 'vscode';
import { ChainContextRequest } from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import type { ChainStore } from '../state/chainStore';
import { chainContextReport, taskContextReport } from './contextReport';

export const CONTEXT_SCHEME = 'takoss-context';

/** `takoss-context:/<chainId>/context.md`, or `…/<taskId>.md` for what one task received. */
export function contextUri(chainId: string, taskId?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTEXT_SCHEME, path: `/${chainId}/${taskId ?? 'context'}.md` });
}

/**
 * The context inspector: read-only documents of a chain's accumulated context, rebuilt when
 * the chain changes so an open document follows a running chain.
 */
export class ContextDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly backend: BackendClient,
    private readonly chains: ChainStore,
  ) {
    this.subscription = chains.onDidChangeChain(({ chain }) => {
      for (const document of vscode.workspace.textDocuments) {
        if (document.uri.scheme === CONTEXT_SCHEME && document.uri.path.startsWith(`/${chain.chainId}/`)) {
          this.changeEmitter.fire(document.uri);
        }
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, chainId, file] = uri.path.split('/');
    if (!chainId || !file) return `Not a Takoss context document: ${uri.toString()}\n`;
    const name = file.replace(/\.md$/, '');
    try {
      if (name === 'context') {
        const context = await this.backend.send(ChainContextRequest, { chainId });
        return chainContextReport(context, this.chains.peek(chainId)?.chain);
      }
      const { chain } = await this.chains.get(chainId);
      return taskContextReport(chain, name, this.chains.output(chainId, name));
    } catch (error) {
      return `# Context of chain ${chainId}\n\nCould not load it: ${error instanceof Error ? error.message : String(error)}\n`;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
