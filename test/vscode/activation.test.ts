import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateTakoss, EXTENSION_ID } from './takossExtension';

interface ContributedCommand {
  readonly command: string;
}

describe('Takoss in a real extension host', () => {
  it('activates and hands out both sidebar trees', async () => {
    const api = await activateTakoss();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof api.templatesTree.getChildren, 'function');
    assert.equal(typeof api.chainsTree.getChildren, 'function');
  });

  it('registers every command its manifest contributes', async () => {
    await activateTakoss();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { commands: ContributedCommand[] };
    };
    const contributed = manifest.contributes.commands.map((entry) => entry.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length >= 20, `only ${contributed.length} commands contributed`);
    assert.deepEqual(
      contributed.filter((command) => !registered.has(command)),
      [],
    );
  });
});
