import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { TODO_REQUEST, todoAppFiles, todoPlan, todoTaskFiles } from '../fixtures/todoApp';
import { activateTakoss, childLabels, eventually, labelOf } from './takossExtension';

const UI_FILES = todoTaskFiles('ui');

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension-host tests need a workspace folder (launch argument)');
  return folder.uri.fsPath;
}

describe('Build App in a real extension host', () => {
  let chainElement: unknown;

  it('builds the Todo app into the workspace from command arguments, without verify and repair (takoss.verify never)', async () => {
    const api = await activateTakoss();
    const root = workspaceRoot();
    // .vscode-test.mjs opts the folder out of verify and repair, as a project can in its settings.
    assert.equal(vscode.workspace.getConfiguration('takoss').inspect('verify')?.workspaceValue, 'never');
    assert.ok(vscode.workspace.isTrusted, 'a trusted folder, so its own takoss.verify counts');
    const expected = todoAppFiles();
    // The command ends after the user reads its summary, so it is not awaited here.
    void vscode.commands.executeCommand('takoss.buildApp', { request: TODO_REQUEST, options: { concurrency: 2 } });
    await eventually(
      'every scripted file on disk',
      () =>
        [...expected].every(([file, content]) => {
          const absolute = path.join(root, file);
          return existsSync(absolute) && readFileSync(absolute, 'utf8') === content;
        }) || undefined,
      120_000,
    );

    const found = await eventually('the chain, succeeded, in the Chains tree', async () => {
      for (const chain of (await api.chainsTree.getChildren()) ?? []) {
        const item = await api.chainsTree.getTreeItem(chain);
        if (labelOf(item) === TODO_REQUEST && String(item.description).startsWith('succeeded')) return { chain, item };
      }
      return undefined;
    });
    chainElement = found.chain;
    // The plan's tasks and nothing else: no verify-1 → repair-1 → … ladder was appended.
    const tasks = await childLabels(api.chainsTree, chainElement);
    assert.deepEqual([...tasks].sort(), todoPlan.tasks.map((task) => task.title).sort());
    // What the user reads on the chain's row: built, and not verified because verification was off.
    assert.match(String(found.item.description), /^succeeded · not verified · /);
    const tooltip = found.item.tooltip;
    assert.match(
      typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      /Verification: not verified — .*verification was off for this build \(takoss\.verify is never/,
    );
  });

  it('inspects the chain’s context: every task’s result', async () => {
    assert.ok(chainElement, 'the build test ran first');
    await vscode.commands.executeCommand('takoss.inspectContext', chainElement);
    const document = await eventually('the context document', () => {
      const active = vscode.window.activeTextEditor?.document;
      return active?.uri.scheme === 'takoss-context' ? active : undefined;
    });
    const text = document.getText();
    for (const task of todoPlan.tasks) assert.ok(text.includes(task.id), `${task.id} missing from the context report`);
    assert.match(text, /web\/App\.jsx exports App/, 'the ui task’s stored result');
  });

  it('undoes one task’s files with one undo in one of its files', async () => {
    const root = workspaceRoot();
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, 'web', 'App.jsx')));
    await vscode.commands.executeCommand('undo');
    await eventually(
      'the ui task’s files removed',
      () => UI_FILES.every((file) => !existsSync(path.join(root, file))) || undefined,
    );
    for (const file of todoAppFiles().keys()) {
      if (!UI_FILES.includes(file)) assert.ok(existsSync(path.join(root, file)), `${file} should stay`);
    }
  });
});
