import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import { CommandIds } from '../commands/commandIds';
import type { ChainStore } from '../state/chainStore';
import { backendStatusNode, loadErrorNode, treeItemFromView } from './backendStatusNode';
import { chainView, fileViews, taskView, type NodeView } from './chainTreeModel';

type ChainTreeElement = NodeView | vscode.TreeItem;

/**
 * The Chains view: chains → tasks → files, from the chain store. It refreshes when the
 * store says something changed (backend notifications), never on a timer.
 */
export class ChainsTreeProvider implements vscode.TreeDataProvider<ChainTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly backend: BackendClient,
    private readonly store: ChainStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const refresh = () => this.changeEmitter.fire();
    this.subscriptions = [
      backend.onDidChangeState(refresh),
      store.onDidChangeList(refresh),
      store.onDidChangeChain(refresh),
    ];
  }

  getTreeItem(element: ChainTreeElement): vscode.TreeItem {
    if (element instanceof vscode.TreeItem) return element;
    const { node } = element;
    const id =
      node.kind === 'chain'
        ? `chain:${node.chainId}`
        : node.kind === 'task'
          ? `task:${node.chainId}/${node.taskId}`
          : `file:${node.chainId}/${node.taskId}/${node.path}`;
    const item = treeItemFromView(
      id,
      element,
      new vscode.ThemeIcon(element.icon.id, element.icon.color ? new vscode.ThemeColor(element.icon.color) : undefined),
    );
    if (node.kind === 'file') {
      item.resourceUri = vscode.Uri.file(path.join(node.workspace, node.path));
      if (element.opensFile) {
        item.command = { command: CommandIds.openTaskFile, title: 'Open File', arguments: [element] };
      }
    }
    if (node.kind === 'chain') {
      item.command = { command: CommandIds.showTaskGraph, title: 'Show Task Graph', arguments: [element] };
    }
    return item;
  }

  async getChildren(element?: ChainTreeElement): Promise<ChainTreeElement[]> {
    if (element instanceof vscode.TreeItem) return [];
    try {
      if (!element) {
        const status = backendStatusNode(this.backend, this.log);
        if (status) return [status];
        const summaries = await this.store.list();
        return summaries.map((summary) => chainView(summary, this.store.peek(summary.chainId)?.chain));
      }
      const { node } = element;
      if (node.kind === 'file') return [];
      const { chain } = await this.store.get(node.chainId);
      if (node.kind === 'chain') return chain.tasks.map((task) => taskView(chain, task));
      const task = chain.tasks.find((candidate) => candidate.id === node.taskId);
      return task ? fileViews(chain, task) : [];
    } catch (error) {
      return [loadErrorNode('Chains', error, this.log)];
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }
}
