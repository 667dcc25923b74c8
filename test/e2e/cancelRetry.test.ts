/**
 * Stopping and mending a build from the UI, in a dark theme: Cancel in the progress
 * notification stops a chain (nothing new starts, nothing is written), and Retry in the
 * graph's task panel runs a failed task again, releasing what waited on it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TODO_REQUEST, todoAppFiles, todoAppScript, todoPlan } from '../fixtures/todoApp';
import { useSession } from './harness/session';
import { eventually } from './harness/steps';
import { E2E_API_KEY } from './harness/takossEnvironment';

const FAILING_TASK = 'api';

describe('Cancel and Retry in a real VS Code (dark theme)', () => {
  const session = useSession({
    name: 'cancel-retry',
    // The first task takes long enough to be cancelled while it runs.
    script: todoAppScript(8_000),
    env: { ANTHROPIC_API_KEY: E2E_API_KEY },
    // No verify ladder: these chains end with the plan's tasks, and no question interrupts Retry.
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'takoss.verify': 'never' },
  });

  const chainStatus = () => session().workbench.graph().locator('[data-testid="chain-status"]');

  it('Cancel in the progress notification cancels the chain: nothing else starts, nothing is written', async () => {
    const { workbench, workspace, environment } = session();
    await workbench.startBuild(TODO_REQUEST);
    await eventually('setup running', async () =>
      (await workbench.taskNode('setup').getAttribute('data-status')) === 'running' ? true : undefined,
    );
    await workbench.screenshot('running');
    await workbench.clickNotificationButton(/tasks done/, 'Cancel');
    await eventually('the chain cancelled', async () =>
      (await chainStatus().innerText()) === 'Cancelled' ? true : undefined,
    );
    await workbench.screenshot('cancelled');

    assert.equal(await workbench.taskNode('setup').getAttribute('data-status'), 'cancelled');
    for (const task of todoPlan.tasks.filter((each) => each.id !== 'setup')) {
      assert.equal(environment.fake.requestsFor(task.id).length, 0, `${task.id} never started`);
    }
    assert.deepEqual(readdirSync(workspace), [], 'nothing written');
  });

  it('Retry in the task panel runs a failed task again and the chain completes', async () => {
    const { workbench, workspace, environment } = session();
    const script = todoAppScript(100);
    const failing = script.tasks?.[FAILING_TASK];
    assert.ok(failing);
    // A permanent fault: no automatic retry, so the task fails and README (after it) is skipped.
    failing.faults = [{ kind: 'http', status: 400, message: 'scripted: the request was malformed' }];
    environment.fake.setScript(script);
    await workbench.clearNotifications();
    // One graph on screen: the new chain's (each chain has its own panel).
    await workbench.runCommand('View: Close All Editors');

    await workbench.startBuild(TODO_REQUEST);
    await eventually(
      'the chain partly built',
      async () => ((await chainStatus().innerText()) === 'Partly built' ? true : undefined),
      90_000,
    );
    assert.equal(await workbench.taskNode(FAILING_TASK).getAttribute('data-status'), 'failed');
    assert.equal(await workbench.taskNode('readme').getAttribute('data-status'), 'skipped');
    assert.equal(existsSync(path.join(workspace, 'server', 'app.js')), false);

    await workbench.taskNode(FAILING_TASK).click();
    const panel = workbench.graph().locator('[data-testid="task-panel"]');
    assert.match(await panel.locator('[data-testid="task-error"]').innerText(), /malformed/);
    await workbench.screenshot('failed-task-panel');
    await panel.getByRole('button', { name: 'Retry', exact: true }).click();

    await eventually(
      'the chain succeeded',
      async () => ((await chainStatus().innerText()) === 'Succeeded' ? true : undefined),
      90_000,
    );
    await workbench.clearNotifications();
    await workbench.screenshot('retried-and-succeeded');
    for (const task of todoPlan.tasks) {
      assert.equal(await workbench.taskNode(task.id).getAttribute('data-status'), 'succeeded', task.id);
    }
    assert.equal(
      await workbench.graph().locator('[data-testid^="task-node-"]').count(),
      todoPlan.tasks.length,
      'no verify ladder',
    );
    for (const [file, content] of todoAppFiles()) {
      assert.equal(readFileSync(path.join(workspace, file), 'utf8'), content, file);
    }
  });
});
