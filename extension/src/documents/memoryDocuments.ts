import * as vscode from 'vscode';

/** Scheme of the right side of conflict diffs: what Takoss proposes for a file. */
export const PROPOSED_SCHEME = 'takoss-proposed';
/** Scheme of generated reports (template analytics). */
export const REPORT_SCHEME = 'takoss-report';

const MAX_DOCUMENTS = 50;

/**
 * Read-only documents held in memory under one URI scheme: the proposed side of a conflict
 * diff, or a report. The path names the document (its title and language); the query keeps
 * two documents of the same name apart.
 */
export class MemoryDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private next = 0;

  constructor(readonly scheme: string) {}

  hold(documentPath: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${documentPath}`, query: String(this.next++) });
    this.contents.set(uri.toString(), content);
    // Reports are not released by anyone; keep only the newest ones.
    for (const key of this.contents.keys()) {
      if (this.contents.size <= MAX_DOCUMENTS) break;
      this.contents.delete(key);
    }
    return uri;
  }

  release(uri: vscode.Uri): void {
    this.contents.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
}
