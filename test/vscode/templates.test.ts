import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateTakoss, childLabels, EXTENSION_ID, eventually, findChild } from './takossExtension';

const TEMPLATE = 'frontend/react-component';
const versionUri = (version: number) =>
  vscode.Uri.from({ scheme: 'takoss-template', path: `/${TEMPLATE}/v${version}.template.md` });
const editUri = vscode.Uri.from({ scheme: 'takoss-template', path: `/${TEMPLATE}/edit.template.md` });

describe('templates from the real backend', () => {
  it('the Templates tree lists categories → templates → versions, production marked', async () => {
    const { templatesTree: tree } = await activateTakoss();
    const categories = await eventually('the seeded categories', async () => {
      const labels = await childLabels(tree);
      return labels.includes('frontend') ? labels : undefined;
    });
    for (const category of ['backend', 'database', 'testing', 'devops', 'docs']) {
      assert.ok(categories.includes(category), `${category} missing from ${categories.join(', ')}`);
    }
    const frontend = await findChild(tree, undefined, (label) => label === 'frontend');
    const component = await findChild(tree, frontend, (label) => label === 'react-component');
    assert.deepEqual(await childLabels(tree, component), ['v1 ★ production']);
  });

  it('a version opens read-only; saving the edit document adds a version that becomes production', async () => {
    const { templatesTree: tree } = await activateTakoss();
    const v1 = await vscode.workspace.openTextDocument(versionUri(1));
    assert.match(v1.getText(), /\{\{\w+\}\}/, 'the template text with its variables');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(versionUri(1), Buffer.from('changed'))));

    const editing = await vscode.workspace.openTextDocument(editUri);
    const marker = `Extension-host test edit ${Date.now()}`;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editing.uri, editing.lineAt(editing.lineCount - 1).range.end, `\n${marker}\n`);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(await editing.save(), true, 'saving the edit document');

    const v2 = await vscode.workspace.openTextDocument(versionUri(2));
    assert.ok(v2.getText().includes(marker), 'version 2 holds the edit');
    const frontend = await findChild(tree, undefined, (label) => label === 'frontend');
    const component = await findChild(tree, frontend, (label) => label === 'react-component');
    await eventually('v2 as production in the tree', async () => {
      const labels = await childLabels(tree, component);
      return labels.includes('v2 ★ production') && labels.includes('v1') ? labels : undefined;
    });
  });

  it('saves again from the same document, and refuses a save once production moved elsewhere (the CLI)', async () => {
    const { templatesTree: tree } = await activateTakoss();
    const editing = await vscode.workspace.openTextDocument(editUri);
    const append = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(editing.uri, editing.lineAt(editing.lineCount - 1).range.end, `\n${text}\n`);
      assert.equal(await vscode.workspace.applyEdit(edit), true);
    };
    await append('A second edit, saved from the same document.');
    assert.equal(await editing.save(), true, 'a second save in a row');
    assert.ok((await vscode.workspace.openTextDocument(versionUri(3))).getText().includes('A second edit'));

    // Another tool moves production back to v1; this window's backend is not told.
    await append('A stale edit.');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const cli = path.join(extension.extensionPath, 'dist', 'cli.js');
    execFileSync(process.execPath, [cli, 'templates', 'label', TEMPLATE, '1'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    assert.equal(await editing.save(), false, 'the save is refused');
    assert.equal(editing.isDirty, true, 'the edit is kept');

    await vscode.commands.executeCommand('takoss.refreshTemplates');
    const frontend = await findChild(tree, undefined, (label) => label === 'frontend');
    const component = await findChild(tree, frontend, (label) => label === 'react-component');
    await eventually('v1 as production, and no v4', async () => {
      const labels = await childLabels(tree, component);
      return labels.includes('v1 ★ production') && !labels.some((label) => label.startsWith('v4')) ? labels : undefined;
    });
    await vscode.window.showTextDocument(editing);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
