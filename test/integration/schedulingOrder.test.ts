/**
 * The order in which ready tasks start when there are more of them than worker slots: the task
 * with the longest path still after it first (taskPriority.ts), the tasks a result released
 * weighed with the ones already waiting. Real Redis, BullMQ and PostgreSQL; one slot, so the
 * order of the calls the fake receives is the order the tasks started in.
 */
import assert from 'node:assert/strict';
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
});
