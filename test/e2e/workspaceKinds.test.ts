/**
 * Build App where the workspace is not one trusted folder: in Restricted Mode it refuses
 * politely and writes nothing; in a multi-root workspace it asks which folder and builds
 * only there.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TODO_REQUEST, todoAppFiles, todoAppScript } from '../fixtures/todoApp';
import { useSession } from './harness/session';
import { E2E_API_KEY } from './harness/takossEnvironment';

// The repository tries to point Takoss elsewhere; untrusted, its settings must not count.
const HOSTILE_SETTINGS = {
  'takoss.redisUrl': 'redis://127.0.0.1:1',
  'takoss.databaseUrl': 'postgresql://attacker:secret@127.0.0.1:1/takoss',
};

describe('Build App in an untrusted folder', () => {
  const session = useSession({
    name: 'untrusted',
    script: todoAppScript(),
    env: { ANTHROPIC_API_KEY: E2E_API_KEY },
    workspaceTrust: true,
    files: { '.vscode/settings.json': JSON.stringify(HOSTILE_SETTINGS, null, 2) },
  });

  it('refuses politely, offers to manage trust, and writes nothing', async () => {
    const { workbench, workspace, environment } = session();
    // VS Code asks on opening; the user does not trust the folder (Restricted Mode).
    await workbench.clickDialogButton(/^No, I don.t trust the authors/);
    await workbench.runCommand('Takoss: Build App');
    const refusal = workbench.notification('only builds in a trusted workspace');
    await refusal.waitFor();
    assert.ok(await refusal.getByRole('button', { name: 'Manage Workspace Trust' }).isVisible());
    await workbench.screenshot('untrusted-refusal');
    assert.equal(await workbench.quickInputTitle().filter({ hasText: 'Takoss: Build App' }).count(), 0);
    assert.equal(environment.fake.requests.length, 0, 'Claude was never called');
    assert.deepEqual(readdirSync(workspace), ['.vscode'], 'nothing written');
  });

  it('ignores the folder’s own connection settings: the backend uses the user’s services', async () => {
    const { workbench } = session();
    await workbench.openTakossSidebar();
    // The library loads only if the backend reached the real PostgreSQL and Redis.
    await workbench.treeRow('Templates', /^frontend/).waitFor({ timeout: 60_000 });
    assert.equal(await workbench.viewPane('Templates').getByText('127.0.0.1:1').count(), 0);
    await workbench.screenshot('untrusted-uses-user-services');
  });
});

describe('Build App in a multi-root workspace', () => {
  const session = useSession({
    name: 'multi-root',
    script: todoAppScript(),
    env: { ANTHROPIC_API_KEY: E2E_API_KEY },
    folders: ['notes', 'todo-app'],
  });

  it('asks which folder and builds only there', async () => {
    const { workbench, workspace } = session();
    await workbench.runCommand('Takoss: Build App');
    await workbench
      .quickInputBox()
      .and(workbench.page.getByPlaceholder('Which folder should Takoss build the app in?'))
      .waitFor();
    await workbench.screenshot('which-folder');
    await workbench.quickPickRow('todo-app').click();
    await workbench.answerInput('Takoss: Build App', TODO_REQUEST);
    await workbench.pick('Takoss: Build options', 'Start the build');
    // takoss.verify is ask (the default): the question names the folder the app was built in.
    const question = workbench.dialog().filter({ hasText: 'Run the checks of the app Takoss built in "todo-app"?' });
    await question.waitFor({ timeout: 90_000 });
    assert.ok((await question.innerText()).includes(path.join(workspace, 'todo-app')));
    await workbench.clickDialogButton('Cancel');
    await workbench.notification(`Takoss built "${TODO_REQUEST}"`).waitFor({ timeout: 90_000 });
    await workbench.screenshot('built-in-second-folder');

    for (const [file, content] of todoAppFiles()) {
      assert.equal(readFileSync(path.join(workspace, 'todo-app', file), 'utf8'), content, file);
    }
    assert.deepEqual(readdirSync(path.join(workspace, 'notes')), [], 'the other folder is untouched');
  });
});
