/** Shared by the extension-host suites: the Takoss extension under test, activated. */
import * as vscode from 'vscode';
import type { TakossApi } from '../../extension/src/api';

export { eventually } from '../e2e/harness/steps';

export const EXTENSION_ID = 'takoss.takoss';

export async function activateTakoss(): Promise<TakossApi> {
  const extension = vscode.extensions.getExtension<TakossApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded: run with --extensionDevelopmentPath=<repo>`);
  return extension.activate();
}

/** The labels of a tree's children, as VS Code would render them. */
export async function childLabels(tree: vscode.TreeDataProvider<unknown>, parent?: unknown): Promise<string[]> {
  const children = (await tree.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (child) => labelOf(await tree.getTreeItem(child))));
}

export async function findChild(
  tree: vscode.TreeDataProvider<unknown>,
  parent: unknown,
  matches: (label: string) => boolean,
): Promise<unknown> {
  for (const child of (await tree.getChildren(parent)) ?? []) {
    if (matches(labelOf(await tree.getTreeItem(child)))) return child;
  }
  throw new Error(
    `no child matching ${matches.toString()} under ${String(parent)}; have ${(await childLabels(tree, parent)).join(', ')}`,
  );
}

export function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}
