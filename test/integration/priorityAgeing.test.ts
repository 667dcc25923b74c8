/**
 * Ageing of task priorities on a real BullMQ queue: a task job seen waiting for longer than
 * the limit moves up to priority 1, behind the jobs already there, and a worker then takes it
 * before the lower ones it was waiting behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Worker, type Queue } from 'bullmq';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { connectionFor } from '../../server/src/engine/engine';
import { PriorityAgeing } from '../../server/src/queue/priorityAgeing';
import { DEFAULT_QUEUE_SETTINGS, createTaskQueue, type TaskJobData } from '../../server/src/queue/taskQueue';

describe('ageing of task priorities (real BullMQ)', function () {
  this.timeout(20_000);
  let queue: Queue<TaskJobData>;
  let now = 0;
  const settings = { ...DEFAULT_QUEUE_SETTINGS, name: `test-ageing-${randomBytes(4).toString('hex')}` };

  beforeEach(async () => {
    queue = createTaskQueue(connectionFor(DEFAULT_CONFIG.redisUrl), settings);
    await queue.waitUntilReady();
    now = 1_000_000;
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const add = async (taskId: string, priority: number) => {
    const job = await queue.add('task', { chainId: 'chain-old', taskId }, { jobId: `chain-old.${taskId}.1`, priority });
    return job.id!;
  };

  const takeAll = async (count: number): Promise<string[]> => {
    const started: string[] = [];
    const worker = new Worker<TaskJobData>(
      settings.name,
      (job) => {
        started.push(job.data.taskId);
        return Promise.resolve();
      },
      { connection: connectionFor(DEFAULT_CONFIG.redisUrl, true), prefix: settings.prefix, concurrency: 1 },
    );
    try {
      while (started.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await worker.close();
    }
    return started;
  };

  it('moves a task up once it has been seen waiting longer than the limit, behind the jobs already at 1', async () => {
    const ageing = new PriorityAgeing(queue, 60_000, () => now);
    const tail = await add('tail', 4);
    await add('first', 1);
    const second = await add('second', 2);

    assert.deepEqual(await ageing.review(new Map([['tail', tail]])), [], 'first seen now');
    now += 30_000;
    const both = new Map([
      ['tail', tail],
      ['second', second],
    ]);
    assert.deepEqual(await ageing.review(both), [], 'neither has waited a minute');
    now += 31_000;
    assert.deepEqual(await ageing.review(both), ['tail'], 'second was first seen 31 s ago');
    assert.equal((await queue.getJob(tail))?.priority, 1);
    assert.equal((await queue.getJob(second))?.priority, 2);

    assert.deepEqual(await takeAll(3), ['first', 'tail', 'second']);
  });

  it('starts the clock again for a task that stopped waiting, and skips a job that is gone', async () => {
    const ageing = new PriorityAgeing(queue, 60_000, () => now);
    const tail = await add('tail', 4);
    const withGone = new Map([
      ['tail', tail],
      ['gone', 'chain-old.gone.1'],
    ]);
    await ageing.review(new Map([['tail', tail]]));
    now += 50_000;
    await ageing.review(new Map());
    now += 20_000;
    assert.deepEqual(await ageing.review(withGone), [], 'seen again just now: its clock restarted');
    now += 61_000;
    assert.deepEqual(await ageing.review(withGone), ['tail'], 'the job no longer in the queue is skipped');
    assert.equal((await queue.getJob(tail))?.priority, 1);
    now += 61_000;
    assert.deepEqual(await ageing.review(withGone), [], 'moved up once');
  });
});
