/**
 * BullMQ delivers at least once (issue 7, case 2): a job for a task that already finished —
 * a duplicate, a redelivery after a lost lock — arrives again while its dependents run, and
 * again after the chain completed.
 * Nothing runs twice: no Claude call, no file write, no extra spend, no dependent released,
 * no history entry.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'bullmq';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';
import { waitUntil } from '../helpers/eventually';

const file = (name: string) => ({ path: name, content: `export const ${name.replace(/\W/g, '_')} = 1;\n` });

async function settled(job: Job): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${job.id} did not finish`);
}

describe('a finished task delivered again', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  after(async () => harness?.close());

  it('runs nothing twice and releases no dependent again, while the chain runs and after', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('base'), planTask('left', ['base']), planTask('right', ['base'])] }],
      tasks: {
        base: { files: [file('base.ts')] },
        left: { files: [file('left.ts')], delayMs: 1500 },
        right: { files: [file('right.ts')], delayMs: 1500 },
      },
    });
    const current = harness;
    const building = current.build();
    // While the chain runs (base done, its dependents running), base's job arrives twice more.
    await waitUntil('the dependents running', () => current.fake.requestsFor('left').length > 0);
    const chainId = (await current.engine.repository.list())[0]!.chainId;
    const baseWritten = (await stat(path.join(current.workspace, 'base.ts'))).mtimeMs;
    const during = await Promise.all(
      [0, 1].map((index) =>
        current.engine.queue.add('task', { chainId, taskId: 'base' }, { jobId: `during-${index}-${chainId}` }),
      ),
    );
    for (const job of during) assert.equal(await settled(job), 'completed', `job ${job.id}`);
    const run = await building;
    assert.equal(run.result.status, 'succeeded');
    const before = {
      requests: current.fake.requests.length,
      record: await current.engine.repository.find(chainId),
      history: await current.engine.redis.llen(`chain:${chainId}:history`),
    };

    // And after the chain ended: a task with dependents, and one twice.
    const after = await Promise.all(
      ['base', 'left', 'base'].map((taskId, index) =>
        current.engine.queue.add('task', { chainId, taskId }, { jobId: `after-${index}-${chainId}` }),
      ),
    );
    for (const job of after) assert.equal(await settled(job), 'completed', `job ${job.id}`);

    assert.deepEqual(
      ['base', 'left', 'right'].map((id) => current.fake.runsOf(id)),
      [1, 1, 1],
      'each task called Claude once',
    );
    assert.equal(current.fake.requests.length, before.requests, 'no Claude call after the end');
    const record = await current.engine.repository.find(chainId);
    assert.deepEqual(
      record!.tasks.map((task) => [task.taskId, task.status, task.attempts]),
      before.record!.tasks.map((task) => [task.taskId, task.status, task.attempts]),
    );
    assert.deepEqual(
      record!.tasks.map((task) => task.attempts),
      [1, 1, 1],
    );
    assert.equal(record!.usage.costUsd, before.record!.usage.costUsd, 'no extra spend');
    assert.equal(await current.engine.redis.llen(`chain:${chainId}:history`), before.history, 'no history entry');
    assert.equal((await stat(path.join(current.workspace, 'base.ts'))).mtimeMs, baseWritten, 'base written once');
  });
});
