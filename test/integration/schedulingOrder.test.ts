/**
 * The order in which ready tasks start when there are more of them than worker slots: the task
 * with the longest path still after it first (taskPriority.ts), the tasks a result released
 * weighed with the ones already waiting. Real Redis, BullMQ and PostgreSQL; one slot, so the
 * order of the calls the fake receives is the order the tasks started in.
 */
import assert from 'node:assert/strict';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import type { FileApplier } from '../../server/src/orchestrator/chainDriver';
import { createChain } from '../../server/src/orchestrator/orchestrator';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

describe('the order ready tasks start in', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const startOrder = (each: Harness) =>
    each.fake.requests
      .filter((request) => request.taskId !== undefined && request.turn === 0)
      .map((request) => request.taskId);

  it('starts the task with the longest path after it first, and takes what its result released next', async () => {
    // Planned in first-in-first-out's worst order: the two short tasks before the long path.
    const ids = ['short-1', 'short-2', 'long-1', 'long-2', 'long-3'];
    harness = await startHarness({
      plans: [
        {
          tasks: [
            planTask('short-1'),
            planTask('short-2'),
            planTask('long-1'),
            planTask('long-2', ['long-1']),
            planTask('long-3', ['long-2']),
          ],
        },
      ],
      tasks: Object.fromEntries(ids.map((id) => [id, { summary: `did ${id}` }])),
    });
    const run = await harness.build(undefined, { concurrency: 1 });
    assert.equal(run.result.status, 'succeeded');
    // long-1 has two tasks after it; once it is done, long-2 (one after it) goes before the
    // short tasks that were waiting all along; then the rest first come, first served.
    assert.deepEqual(startOrder(harness), ['long-1', 'long-2', 'short-1', 'short-2', 'long-3']);
    const jobs = await harness.engine.queue.getJobs(['completed'], 0, 100);
    const priorities = Object.fromEntries(jobs.map((job) => [job.data.taskId, job.opts.priority]));
    assert.deepEqual(priorities, { 'long-1': 1, 'long-2': 2, 'long-3': 3, 'short-1': 3, 'short-2': 3 });
  });

  it('moves a task up the queue once it has waited longer than the ageing limit', async () => {
    const ids = ['short', 'long-1', 'long-2', 'long-3', 'long-4'];
    harness = await startHarness(
      {
        plans: [
          {
            tasks: [
              planTask('short'),
              planTask('long-1'),
              planTask('long-2', ['long-1']),
              planTask('long-3', ['long-2']),
              planTask('long-4', ['long-3']),
            ],
          },
        ],
        tasks: Object.fromEntries(ids.map((id) => [id, { summary: `did ${id}`, delayMs: 1500 }])),
      },
      // A job waiting 300 ms moves up at the driver's next look at the queue: every 100 ms at
      // most, and at least once a second (its wait for events).
      { driver: { reconcileIntervalMs: 100, priorityAgeingMs: 300 } },
    );
    const run = await harness.build(undefined, { concurrency: 1 });
    assert.equal(run.result.status, 'succeeded');
    // By priority alone "short" (one task after it, as long-4) would wait for long-3.
    assert.deepEqual(startOrder(harness), ['long-1', 'short', 'long-2', 'long-3', 'long-4']);
    assert.ok(harness.logs.some((line) => /short waited long; moved up the queue/.test(line)));
  });

  it('holds a worker slot no more than briefly when writing a result’s files is slow', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('slow'), planTask('after', ['slow']), planTask('other')] }],
      tasks: {
        slow: { files: [{ path: 'slow.ts', content: 'export const slow = 1;\n' }] },
        after: { summary: 'did after' },
        other: { summary: 'did other' },
      },
    });
    const { engine, workspace } = harness;
    const created = await createChain(engine, {
      request: 'Build it',
      workspace,
      model: harness.config.model,
      concurrency: 1,
      maxTasks: 40,
    });
    // Writing slow's files takes 2 s (PostgreSQL's ledger slow, a large file): its worker waits
    // for them at most briefly before its slot takes the next ready task.
    const files = workspaceApplier(workspace, created.chainId, engine.repository);
    const applier: FileApplier = {
      apply: async (taskId, generated) => {
        if (taskId === 'slow') await new Promise((resolve) => setTimeout(resolve, 2000));
        return files.apply(taskId, generated);
      },
    };
    await engine.startWorker(1);
    const result = await engine.driver(created.chainId, applier).run();
    assert.equal(result.status, 'succeeded');
    const firstCall = (taskId: string) => harness!.fake.requestsFor(taskId).find((request) => request.turn === 0)!.at;
    assert.deepEqual(startOrder(harness), ['slow', 'other', 'after']);
    const gap = firstCall('other') - firstCall('slow');
    assert.ok(gap < 1000, `other started ${gap} ms after slow, not after slow's files (2 s)`);
  });
});
