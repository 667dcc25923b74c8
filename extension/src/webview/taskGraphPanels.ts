import * as vscode from 'vscode';
import { ExtensionMessage, WebviewMessage, type ExtensionToWebviewMessage } from '../../../webview-ui/src/protocol';
import { CommandIds } from '../commands/commandIds';
import type { ChainStore, VersionedSnapshot } from '../state/chainStore';
import { checkGraphMessage } from './graphMessages';
import { taskGraphHtml } from './taskGraphHtml';

export const TASK_GRAPH_VIEW_TYPE = 'takoss.taskGraph';

/**
 * Hosts the task-graph webviews, one panel per chain. After the webview's `ready` handshake
 * it gets the newest full snapshot, then every newer one and the streamed output of running
 * tasks. Its messages are checked (`checkGraphMessage`) before anything acts on them.
 */
export class TaskGraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly ready = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly chains: ChainStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      chains.onDidChangeChain((snapshot) => this.postSnapshot(snapshot)),
      chains.onDidTaskOutput((output) => this.post(output.chainId, { type: ExtensionMessage.taskOutput, ...output })),
    ];
  }

  /** Opens (or reveals) the graph of a chain. */
  async show(chainId: string): Promise<void> {
    const existing = this.panels.get(chainId);
    if (existing) {
      existing.reveal(undefined, true);
      return;
    }
    const { chain } = await this.chains.get(chainId);
    const assets = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      TASK_GRAPH_VIEW_TYPE,
      `Takoss: ${shortTitle(chain.request)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [assets], retainContextWhenHidden: false },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'takoss.svg');
    panel.webview.html = taskGraphHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(assets, 'main.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(assets, 'main.css')).toString(),
      title: `Task graph of "${shortTitle(chain.request)}"`,
    });
    this.panels.set(chainId, panel);
    panel.onDidDispose(() => {
      this.panels.delete(chainId);
      this.ready.delete(chainId);
    });
    panel.webview.onDidReceiveMessage((data: unknown) => void this.receive(chainId, data));
  }

  private async receive(chainId: string, data: unknown): Promise<void> {
    try {
      await this.handle(chainId, data);
    } catch (error) {
      this.log.error(`Task graph: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async handle(chainId: string, data: unknown): Promise<void> {
    const snapshot = this.chains.peek(chainId) ?? (await this.chains.get(chainId));
    const verdict = checkGraphMessage(data, snapshot.chain);
    if (!verdict.ok) {
      this.log.warn(`Task graph: refused a message: ${verdict.reason}`);
      return;
    }
    const message = verdict.message;
    switch (message.type) {
      case WebviewMessage.ready:
        // A hidden panel is rebuilt when shown again and says `ready` again: send everything.
        this.ready.add(chainId);
        this.postSnapshot(snapshot);
        for (const task of snapshot.chain.tasks) {
          const text = this.chains.output(chainId, task.id);
          if (text !== undefined)
            this.post(chainId, { type: ExtensionMessage.taskOutput, chainId, taskId: task.id, text });
        }
        return;
      case WebviewMessage.openFile:
        await vscode.commands.executeCommand(CommandIds.openTaskFile, message);
        return;
      case WebviewMessage.retryTask:
        await vscode.commands.executeCommand(CommandIds.retryTask, message);
        return;
      case WebviewMessage.cancelChain:
        await vscode.commands.executeCommand(CommandIds.cancelChain, message);
        return;
      case WebviewMessage.inspectContext:
        await vscode.commands.executeCommand(CommandIds.inspectContext, message);
        return;
    }
  }

  private postSnapshot({ version, chain }: VersionedSnapshot): void {
    this.post(chain.chainId, { type: ExtensionMessage.snapshot, version, chain });
  }

  private post(chainId: string, message: ExtensionToWebviewMessage): void {
    const panel = this.panels.get(chainId);
    if (!panel || !this.ready.has(chainId)) return;
    panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.log.warn(`Task graph: could not update the panel: ${String(error)}`);
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const panel of this.panels.values()) panel.dispose();
  }
}

function shortTitle(request: string): string {
  return request.length > 40 ? `${request.slice(0, 39)}…` : request;
}
