import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateTakoss, childLabels, eventually, findChild } from './takossExtension';

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
});
