/**
 * Claude faults as the user sees them. Overloaded: the fake answers 529 twice for one task;
 * the graph shows that task's retries and the chain still succeeds, every file written once.
 * A rejected key (401): the summary says so and offers to set the key.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TODO_REQUEST, todoAppFiles, todoAppScript, todoPlan } from '../fixtures/todoApp';
import { useSession } from './harness/session';
import { eventually } from './harness/steps';
import { E2E_API_KEY } from './harness/takossEnvironment';

const OVERLOADED_TASK = 'store';

function overloadedScript() {
  const script = todoAppScript(300);
  const task = script.tasks?.[OVERLOADED_TASK];
  assert.ok(task, `the todo script has no ${OVERLOADED_TASK} task`);
  task.faults = [
    { kind: 'http', status: 529 },
    { kind: 'http', status: 529 },
  ];
  return script;
}

describe('Claude faults in a real VS Code', () => {
  // The key comes from the environment here (the first-run key flow is Build App's test).
  const session = useSession({
    name: 'fault-retry',
    script: overloadedScript(),
    env: { ANTHROPIC_API_KEY: E2E_API_KEY, TAKOSS_RETRY_BACKOFF_MS: '500' },
    // Verification off: the chains end with the plan's tasks (the consent question is Build App's test).
    settings: { 'takoss.verify': 'never' },
  });

  it('shows the retries on the task’s node and the chain still succeeds', async () => {
    const { workbench, workspace, environment } = session();
    await workbench.startBuild(TODO_REQUEST);
    const node = workbench.taskNode(OVERLOADED_TASK);
    await node.locator('.task-node-attempts').waitFor({ timeout: 90_000 });
    await workbench.screenshot('retrying');

    await eventually(
      'the chain succeeded',
      async () =>
        (await workbench.graph().locator('[data-testid="chain-status"]').innerText()) === 'Succeeded'
          ? true
          : undefined,
      120_000,
    );
    await workbench.clearNotifications();
    const verification = workbench.graph().locator('[data-testid="chain-verification"]');
    assert.equal(await verification.getAttribute('data-outcome'), 'not_verified');
    assert.match((await verification.getAttribute('title')) ?? '', /verification was off for this build/);
    assert.equal(await workbench.graph().locator('[data-testid="task-node-verify-1"]').count(), 0, 'no ladder');
    assert.equal(await node.getAttribute('data-status'), 'succeeded');
    assert.equal(await node.locator('.task-node-attempts').innerText(), 'attempt 3');
    for (const task of todoPlan.tasks) {
      assert.equal(await workbench.taskNode(task.id).getAttribute('data-status'), 'succeeded', task.id);
    }
    await workbench.screenshot('succeeded-after-retries');

    assert.equal(environment.fake.runsOf(OVERLOADED_TASK), 3, 'two 529s, then the answer');
    for (const [file, content] of todoAppFiles()) {
      assert.equal(readFileSync(path.join(workspace, file), 'utf8'), content, file);
    }
  });

  it('when the API rejects the key (401), the summary says so and offers Set API Key', async () => {
    const { workbench, environment } = session();
    environment.fake.setScript({
      plans: [
        {
          tasks: [{ id: 'solo', title: 'Solo task', description: 'Write solo.txt.', category: 'docs', dependsOn: [] }],
        },
      ],
      tasks: { solo: { files: [{ path: 'solo.txt', content: 'solo\n' }], faults: [{ kind: 'http', status: 401 }] } },
    });
    await workbench.runCommand('View: Close All Editors');
    // The premise of the check below: the backend is already up (as after the test above; the
    // sidebar starts it when this test runs alone).
    await workbench.openTakossSidebar();
    await workbench.waitForBackendReady();
    await workbench.recordToasts();
    await workbench.startBuild('Build a single file that needs a valid key');
    const summary = workbench.notification('The Anthropic API rejected the API key');
    await summary.waitFor({ timeout: 60_000 });
    // The backend was running: no notification says it is starting. One that flashed would
    // count against VS Code's three toasts per 800 ms, which this fast build's summary needs.
    const seen = await workbench.toastsSeen();
    assert.ok(
      seen.some((text) => text.includes('The Anthropic API rejected the API key')),
      'the summary was seen',
    );
    assert.deepEqual(
      seen.filter((text) => text.includes('starting the backend')),
      [],
      'no backend-starting notification',
    );
    await eventually('the progress notification gone', async () =>
      (await workbench.notification(/tasks done|starting the backend/).count()) === 0 ? true : undefined,
    );
    await eventually('the graph showing the failure', async () =>
      (await workbench.graph().locator('[data-testid="chain-status"]').innerText()) === 'Failed' ? true : undefined,
    );
    await workbench.screenshot('key-rejected');
    assert.equal(environment.fake.requestsFor('solo').length, 1, 'a rejected key is not retried');
    await workbench.clickNotificationButton('The Anthropic API rejected the API key', 'Set API Key');
    await workbench.quickInputTitle().filter({ hasText: 'Takoss: Anthropic API Key' }).waitFor();
    await workbench.page.keyboard.press('Escape');
  });
});
