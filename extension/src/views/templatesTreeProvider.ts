import * as vscode from 'vscode';
import {
  TemplatesDidChangeNotification,
  TemplatesListRequest,
  TemplateVersionsRequest,
  type TemplateSummaryView,
} from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import { CommandIds } from '../commands/commandIds';
import { backendStatusNode, loadErrorNode, treeItemFromView } from './backendStatusNode';
import { categoryViews, templateViews, versionViews, type TemplateNodeView } from './templateTreeModel';

type TemplateTreeElement = TemplateNodeView | vscode.TreeItem;

/**
 * The Templates view: categories → templates → versions, the production version marked.
 * Reloads when the backend says the library changed.
 */
export class TemplatesTreeProvider implements vscode.TreeDataProvider<TemplateTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private templates: Promise<TemplateSummaryView[]> | undefined;

  constructor(
    private readonly backend: BackendClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      backend.onDidChangeState(() => this.refresh()),
      backend.onNotification(TemplatesDidChangeNotification, () => this.refresh()),
    ];
  }

  refresh(): void {
    this.templates = undefined;
    this.changeEmitter.fire();
  }

  getTreeItem(element: TemplateTreeElement): vscode.TreeItem {
    if (element instanceof vscode.TreeItem) return element;
    const { node } = element;
    const id =
      node.kind === 'category'
        ? `category:${node.category}`
        : node.kind === 'template'
          ? `template:${node.name}`
          : `version:${node.name}@${node.version}`;
    const item = treeItemFromView(id, element, new vscode.ThemeIcon(element.icon));
    if (node.kind === 'version') {
      item.command = { command: CommandIds.openTemplateVersion, title: 'Open Version', arguments: [element] };
    }
    return item;
  }

  async getChildren(element?: TemplateTreeElement): Promise<TemplateTreeElement[]> {
    if (element instanceof vscode.TreeItem) return [];
    try {
      if (!element) {
        const status = backendStatusNode(this.backend, this.log);
        return status ? [status] : categoryViews(await this.list());
      }
      const { node } = element;
      if (node.kind === 'category') return templateViews(await this.list(), node.category);
      if (node.kind === 'template') {
        const versions = await this.backend.send(TemplateVersionsRequest, { name: node.name });
        return versionViews([...versions].sort((a, b) => b.version - a.version));
      }
      return [];
    } catch (error) {
      return [loadErrorNode('Templates', error, this.log)];
    }
  }

  private list(): Promise<TemplateSummaryView[]> {
    this.templates ??= this.backend.send(TemplatesListRequest, {}).catch((error: unknown) => {
      this.templates = undefined;
      throw error;
    });
    return this.templates;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }
}
