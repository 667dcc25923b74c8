/**
 * BullMQ delivers at least once (issue 7, case 2): a job for a task that already finished —
 * a duplicate, a redelivery after a lost lock — arrives again after the chain completed.
 * Nothing runs twice: no Claude call, no file write, no extra spend, no dependent released,
 * no history entry.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'bullmq';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

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

  it('runs nothing twice and releases no dependent again', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('base'), planTask('left', ['base']), planTask('right', ['base'])] }],
      tasks: {
        base: { files: [file('base.ts')] },
        left: { files: [file('left.ts')] },
        right: { files: [file('right.ts')] },
      },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded');
    const { chainId } = run.created;
    const before = {
      requests: harness.fake.requests.length,
      record: await harness.engine.repository.find(chainId),
      history: await harness.engine.redis.llen(`chain:${chainId}:history`),
      mtime: (await stat(path.join(harness.workspace, 'base.ts'))).mtimeMs,
    };
    assert.ok(before.history > 0);

    const again = await Promise.all(
      ['base', 'left', 'base'].map((taskId, index) =>
        harness!.engine.queue.add('task', { chainId, taskId }, { jobId: `redelivered-${index}-${chainId}` }),
      ),
    );
    for (const job of again) assert.equal(await settled(job), 'completed', `job ${job.id}`);

    assert.equal(harness.fake.requests.length, before.requests, 'no Claude call');
    const after = await harness.engine.repository.find(chainId);
    assert.deepEqual(
      after!.tasks.map((task) => [task.taskId, task.status, task.attempts]),
      before.record!.tasks.map((task) => [task.taskId, task.status, task.attempts]),
    );
    assert.equal(after!.usage.costUsd, before.record!.usage.costUsd, 'no extra spend');
    assert.equal(await harness.engine.redis.llen(`chain:${chainId}:history`), before.history, 'no history entry');
    assert.equal((await stat(path.join(harness.workspace, 'base.ts'))).mtimeMs, before.mtime, 'no write');
  });
});
