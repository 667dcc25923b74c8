/**
 * A user's first build, click by click in a real VS Code (code-server in Chromium), with real
 * Redis and PostgreSQL and the fake Claude: F1 → Build App, the key asked for and stored,
 * the progress notification, a conflict answered with Skip, the files on disk, both trees,
 * the question before running the app's own checks (takoss.verify at its default, ask)
 * declined, template search, the live task graph and a task's context, the context inspector,
 * and one Ctrl+Z taking one task's files back.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TODO_REQUEST, todoAppFiles, todoAppScript, todoPlan, todoTaskFiles } from '../fixtures/todoApp';
import { useSession } from './harness/session';
import { E2E_API_KEY } from './harness/takossEnvironment';
import { eventually } from './harness/steps';

const USERS_README = '# My project\n\nWritten by hand; Takoss must not replace it without asking.\n';
const UI_FILES = todoTaskFiles('ui');
/** The verify ladder every chain built from VS Code ends with (takoss.maxRepairs 2, the default). */
const LADDER = ['verify-1', 'repair-1', 'verify-2', 'repair-2', 'verify-3'];

describe('Build App in a real VS Code', () => {
  // Slow enough for the graph to be seen running, fast enough for CI.
  const session = useSession({ name: 'build-app', script: todoAppScript(400) });
  before(() => writeFileSync(path.join(session().workspace, 'README.md'), USERS_README));

  it('F1 → Build App asks for the key, shows progress, asks before replacing README.md, and writes the files', async () => {
    const { workbench, workspace } = session();
    await workbench.openTakossSidebar();
    await workbench.runCommand('Takoss: Build App');
    await workbench.answerInput('Takoss: Build App', TODO_REQUEST);

    // No key in SecretStorage yet: a modal asks, the key goes in, the backend restarts with it.
    await workbench.dialog().filter({ hasText: 'needs your Anthropic API key' }).waitFor({ timeout: 60_000 });
    await workbench.screenshot('asks-for-api-key');
    await workbench.clickDialogButton('Set API Key');
    await workbench.answerInput('Takoss: Anthropic API Key', E2E_API_KEY);

    await workbench.pick('Takoss: Build options', 'Start the build');
    const progress = workbench.notification(/^Takoss/);
    await progress.waitFor({ timeout: 30_000 });
    await workbench.screenshot('progress-notification');

    // README.md exists and is the user's: a diff opens and the question waits for an answer.
    const question = workbench.notification('wants to write README.md');
    await question.waitFor({ timeout: 90_000 });
    await workbench.page.locator('.tab').filter({ hasText: 'README.md: current ↔ Takoss' }).first().waitFor();
    await workbench.screenshot('readme-conflict-diff');
    await workbench.clickNotificationButton('wants to write README.md', 'Skip');

    // Every task's files land before the verify ladder starts (verify-1 waits for all of them).
    await eventually(
      'every file but README.md written',
      () =>
        [...todoAppFiles()].every(
          ([file, content]) =>
            file === 'README.md' ||
            (existsSync(path.join(workspace, file)) && readFileSync(path.join(workspace, file), 'utf8') === content),
        ) || undefined,
      90_000,
    );
    assert.equal(readFileSync(path.join(workspace, 'README.md'), 'utf8'), USERS_README, 'Skip kept the user’s README');
  });

  it('asks before running the app’s own checks, naming the folder and the commands; declined, the chain ends not verified', async () => {
    const { workbench, workspace, environment, userDataDir } = session();
    // takoss.verify is not set: its default, ask. A modal, because the checks run the project's code.
    const question = workbench.dialog().filter({ hasText: 'Run the checks of the app Takoss built in' });
    await question.waitFor({ timeout: 90_000 });
    const asked = await question.innerText();
    assert.ok(asked.includes(`built in "${path.basename(workspace)}"?`), asked);
    assert.ok(asked.includes(workspace), `the folder's full path: ${asked}`);
    for (const command of ['npm install', 'npm run test']) assert.ok(asked.includes(command), `${command}: ${asked}`);
    for (const button of ['Run Checks', 'Always Run', 'Cancel']) {
      assert.ok(await question.getByRole('button', { name: button, exact: true }).isVisible(), button);
    }
    await workbench.screenshot('verify-consent');
    // Not Run Checks: the Todo app's checks would npm install express from the network.
    await workbench.clickDialogButton('Cancel');

    const summary = workbench.notification(`Takoss built "${TODO_REQUEST}"`);
    await summary.waitFor({ timeout: 90_000 });
    assert.match(await summary.innerText(), /not verified: .*the user declined to run the checks/i);
    assert.equal(await workbench.notification(/planning|tasks done/).count(), 0, 'the progress notification ended');
    const graph = workbench.graph();
    await eventually('the chain succeeded in the graph', async () =>
      (await graph.locator('[data-testid="chain-status"]').innerText()) === 'Succeeded' ? true : undefined,
    );
    await workbench.screenshot('build-summary');

    await workbench.clearNotifications();
    const badge = graph.locator('[data-testid="chain-verification"]');
    assert.equal(await badge.getAttribute('data-outcome'), 'not_verified');
    // The symbol, the label, then (for screen readers, and as its tooltip) the reason.
    assert.match(await badge.innerText(), /^–\s*Not verified\s*:/);
    assert.equal(await badge.getAttribute('title'), 'the user declined to run the checks');
    assert.equal(await graph.locator('[data-testid="task-verify-verify-1"]').innerText(), '– not run');
    for (const rung of LADDER.slice(1)) {
      const node = workbench.taskNode(rung);
      assert.equal(await node.getAttribute('data-status'), 'unneeded', rung);
      assert.match(await node.locator('.task-node-status').innerText(), /Not needed/, rung);
    }
    await workbench.taskNode('verify-1').click();
    const reason = graph.locator('[data-testid="task-verify-summary"]');
    assert.equal(await reason.innerText(), 'Not run: the user declined to run the checks.');
    await workbench.screenshot('not-verified-graph');

    // Nothing of the project ran, no repair called Claude, and Cancel was not Always Run.
    assert.ok(!existsSync(path.join(workspace, 'node_modules')), 'no npm install');
    assert.ok(!existsSync(path.join(workspace, 'package-lock.json')), 'no npm install');
    assert.equal(environment.fake.requestsFor('repair-1').length, 0);
    assert.ok(!readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8').includes('takoss.verify'));
  });

  it('the task graph shows one succeeded node per task, then the ladder, and a node’s panel shows the context it received', async () => {
    const { workbench } = session();
    for (const task of todoPlan.tasks) {
      await eventually(`${task.id} succeeded in the graph`, async () =>
        (await workbench.taskNode(task.id).getAttribute('data-status')) === 'succeeded' ? true : undefined,
      );
    }
    assert.equal(
      await workbench.graph().locator('[data-testid^="task-node-"]').count(),
      todoPlan.tasks.length + LADDER.length,
    );
    await workbench.screenshot('task-graph');

    await workbench.taskNode('api').click();
    const panel = workbench.graph().locator('[data-testid="task-panel"]');
    await panel.waitFor();
    const received = workbench.graph().locator('[data-testid="task-context"]');
    await received.locator('[data-testid="context-store"]').waitFor();
    assert.match(await received.innerText(), /createTodoStore/, 'the store task’s output, handed to api');
    assert.equal(await received.locator('[data-testid="context-ui"]').count(), 0, 'ui is not an ancestor of api');
    await received.scrollIntoViewIfNeeded();
    assert.ok(!(await workbench.graph().locator('html').innerHTML()).includes(E2E_API_KEY), 'no key in the webview');
    await workbench.screenshot('task-panel-context');
  });

  it('the Chains tree shows the chain and its tasks as succeeded; the Templates tree and search find templates', async () => {
    const { workbench } = session();
    await workbench.openTakossSidebar();
    const chain = workbench.treeRow('Chains', TODO_REQUEST);
    await eventually('the chain marked succeeded', async () =>
      (await chain.innerText()).includes('succeeded') ? true : undefined,
    );
    assert.match(await chain.innerText(), /succeeded · not verified/);
    await workbench.expand(chain);
    for (const task of todoPlan.tasks) {
      const row = workbench.treeRow('Chains', task.title);
      await row.waitFor();
      assert.match(await row.innerText(), /succeeded/, task.title);
    }
    await workbench.expand(workbench.treeRow('Templates', /^frontend/));
    await workbench.treeRow('Templates', 'react-component').waitFor();
    assert.ok(await workbench.treeRow('Templates', /^backend/).isVisible());
    await workbench.screenshot('trees');

    await workbench.runCommand('Takoss: Search Templates');
    await workbench.quickInputTitle().filter({ hasText: 'Search Templates' }).waitFor();
    await workbench.quickInputBox().fill('express route');
    await workbench.quickPickRow('backend/express-route').waitFor({ timeout: 30_000 });
    await workbench.screenshot('template-search');
    await workbench.page.keyboard.press('Escape');
  });

  it('the context inspector shows every task’s result for the chain', async () => {
    const { workbench } = session();
    await workbench.runCommand('Takoss: Inspect Context');
    await workbench.pick('Inspect Context', TODO_REQUEST);
    await workbench.activeTabTitle().filter({ hasText: 'context.md' }).waitFor();
    const visible = await workbench.activeEditorText();
    assert.ok(visible.includes('# Context of chain'), visible);
    // One per task, and verify-1's verdict (not run); the rungs not needed stored nothing.
    assert.ok(visible.includes(`Results stored: ${todoPlan.tasks.length + 1}`), visible);
    await workbench.screenshot('context-inspector');
    // The editor renders only what is on screen: find each task's stored result instead.
    const script = todoAppScript();
    for (const task of todoPlan.tasks) {
      const result = script.tasks?.[task.id]?.summary ?? '';
      assert.ok(result.length > 20, `the script has a summary for ${task.id}`);
      assert.equal(
        await workbench.findInActiveEditor(result.slice(0, 40)),
        true,
        `${task.id}'s result in the document`,
      );
    }
    assert.equal(
      await workbench.findInActiveEditor('Not run: the user declined to run the checks.'),
      true,
      'verify-1’s result in the document',
    );
    assert.equal(await workbench.findInActiveEditor('no task ever said this'), false, 'the search can fail');
  });

  it('a task graph hidden behind another editor and shown again is drawn from the layout its last page saved', async () => {
    const { workbench } = session();
    const graphTab = workbench.page.locator('.tabs-container .tab', { hasText: /^Takoss: / }).first();
    const inGraph = <T>(read: () => T) => workbench.graph().locator('html').evaluate(read);
    // Where each task's node is drawn (the transform React Flow gives its wrapper), by task.
    const placed = async () => {
      const nodes = await workbench.graph().locator('.react-flow__node').all();
      const where = await Promise.all(
        nodes.map(async (node) => {
          const transform = /transform:([^;]*)/.exec((await node.getAttribute('style')) ?? '')?.[1] ?? '';
          return `${await node.getAttribute('data-id')} ${transform.trim()}`;
        }),
      );
      return where.sort();
    };
    await graphTab.click();
    await workbench.graph().locator('[data-testid^="task-node-"]').first().waitFor();
    const before = await placed();
    assert.ok(before.length > todoPlan.tasks.length, 'the chain’s tasks and its verify ladder');
    assert.ok(
      before.every((entry) => / translate\(/.test(entry)),
      `each node placed: ${before.join('; ')}`,
    );
    await inGraph(() => {
      Object.assign(globalThis, { takossTestMark: true });
    });

    // Another editor in the graph's group hides the panel, and VS Code drops its page.
    await workbench.runCommand('File: New Untitled Text File');
    await workbench.activeTabTitle().filter({ hasText: 'Untitled' }).waitFor();

    await graphTab.click();
    const nodes = workbench.graph().locator('[data-testid^="task-node-"]');
    await eventually('the graph drawn again', async () => (await nodes.count()) === before.length || undefined);
    assert.equal(await inGraph(() => 'takossTestMark' in globalThis), false, 'a new page');
    assert.equal(await inGraph(() => performance.getEntriesByName('takoss:layout').length), 0, 'no layout ran');
    assert.deepEqual(await placed(), before, 'every task where it was');
    await workbench.screenshot('task-graph-shown-again');
  });

  it('one Ctrl+Z in a task’s file takes back that task’s files', async () => {
    const { workbench, workspace } = session();
    await workbench.page.keyboard.press('Control+P');
    await workbench.quickInputBox().fill('web/App.jsx');
    await workbench.quickPickRow('App.jsx').waitFor();
    await workbench.page.keyboard.press('Enter');
    await workbench.activeTabTitle().filter({ hasText: 'App.jsx' }).waitFor();
    await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await workbench.page.keyboard.press('Control+Z');
    await eventually(
      'the ui task’s files gone',
      () => UI_FILES.every((file) => !existsSync(path.join(workspace, file))) || undefined,
    );
    assert.ok(existsSync(path.join(workspace, 'server', 'app.js')), 'other tasks’ files stay');
    await workbench.screenshot('after-undo');
  });

  it('leaves the API key in no log, state or settings file of VS Code, and in no workspace file', () => {
    const { userDataDir, workspace } = session();
    const files = [userDataDir, workspace].flatMap((root) =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name)),
    );
    assert.ok(
      files.some((file) => /Takoss\.log$/.test(file)),
      `the extension's log is among them: ${files.length} files`,
    );
    const leaks = files.filter((file) => readFileSync(file).includes(E2E_API_KEY));
    assert.deepEqual(leaks, []);
  });
});
