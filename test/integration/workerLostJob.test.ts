/**
 * Workers that lose their job mid-task. Killed with SIGKILL (issue 7, case 1): another worker
 * process takes the task over once the dead one's lock expires, the chain finishes without a
 * resume, and the file is written once, whole. Frozen (SIGSTOP, as a blocked event loop: no
 * lock renewal, no I/O) past its lock (case 3): the other worker runs the task again, and when
 * the frozen run wakes up and finishes, its result is refused as stale: nothing is written or
 * counted twice.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stopProcess } from '../helpers/cli';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';
import { waitUntil } from '../helpers/eventually';
import { CLI_BUNDLE } from '../helpers/paths';

const LONG_FILE = { path: 'src/long.ts', content: `export const long = ${JSON.stringify('y'.repeat(10_000))};\n` };

function startWorker(harness: Harness): ChildProcess {
  const worker = spawn(process.execPath, [CLI_BUNDLE, 'worker', '--concurrency', '2'], {
    env: {
      PATH: process.env.PATH,
      ...harness.env,
      DATABASE_URL: harness.config.databaseUrl,
      REDIS_URL: harness.config.redisUrl,
      TAKOSS_QUEUE_NAME: harness.engine.settings.name,
      // A dead worker's lock runs out quickly, and the others look for stalled jobs often.
      TAKOSS_LOCK_DURATION_MS: '1000',
      TAKOSS_STALLED_INTERVAL_MS: '500',
      TAKOSS_RETRY_BACKOFF_MS: '50',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  worker.stderr?.on('data', (chunk: Buffer) => harness.logs.push(`worker ${worker.pid}: ${chunk.toString().trim()}`));
  return worker;
}

describe('a worker process that loses its job mid-task', function () {
  this.timeout(90_000);
  let harness: Harness | undefined;
  const workers: ChildProcess[] = [];

  afterEach(async () => {
    try {
      await Promise.all(workers.splice(0).map(stopProcess));
    } finally {
      await harness?.close();
    }
    harness = undefined;
  });

  /** A chain whose task "long" the first of two worker processes is running (Claude answering). */
  async function longTaskOnFirstWorker(claudeDelayMs: number) {
    const current = await startHarness({
      plans: [{ tasks: [planTask('long'), planTask('after', ['long'])] }],
      tasks: {
        long: { files: [LONG_FILE], delayMs: claudeDelayMs },
        after: { files: [{ path: 'src/after.ts', content: 'export {};\n' }] },
      },
    });
    harness = current;
    const first = startWorker(current);
    workers.push(first);
    const building = current.build('Build it', { inProcessWorker: false });
    await waitUntil('the first worker calling Claude for "long"', () => current.fake.requestsFor('long').length === 1);
    return { current, first, building };
  }

  it('is replaced by another worker after its lock expires; the chain completes and the file is written once', async () => {
    const { current, first, building } = await longTaskOnFirstWorker(2000);
    const second = startWorker(current);
    workers.push(second);
    first.kill('SIGKILL');

    const run = await building;
    assert.equal(run.result.status, 'succeeded', current.logs.join('\n'));
    const record = await current.engine.repository.find(run.created.chainId);
    const long = record!.tasks.find((task) => task.taskId === 'long');
    assert.equal(long?.attempts, 2, 'run once by the killed worker, once by its replacement');
    assert.deepEqual(long?.files, ['src/long.ts']);
    assert.equal(await readFile(path.join(current.workspace, LONG_FILE.path), 'utf8'), LONG_FILE.content);
    assert.equal(current.fake.runsOf('long'), 2);
    assert.equal(current.fake.runsOf('after'), 1, 'the dependent ran once');
  });

  it('refuses the result of a run that froze past its lock: one write, usage counted once', async () => {
    const { current, first, building } = await longTaskOnFirstWorker(1000);
    // Frozen as by a blocked event loop: no lock renewal, no I/O, but it lives on.
    first.kill('SIGSTOP');
    const second = startWorker(current);
    workers.push(second);
    await waitUntil('the second worker running "long" again', () => current.fake.requestsFor('long').length >= 2);
    first.kill('SIGCONT');

    const run = await building;
    assert.equal(run.result.status, 'succeeded', current.logs.join('\n'));
    assert.equal(current.fake.runsOf('long'), 2, 'the frozen run and its replacement both called Claude');
    const record = await current.engine.repository.find(run.created.chainId);
    const long = record!.tasks.find((task) => task.taskId === 'long');
    assert.equal(long?.attempts, 2);
    assert.deepEqual(long?.files, ['src/long.ts']);
    assert.equal(await readFile(path.join(current.workspace, LONG_FILE.path), 'utf8'), LONG_FILE.content);
    assert.equal(current.fake.runsOf('after'), 1, 'the dependent ran once');
    // Usage enters the chain only with a committed result; the woken run's is refused.
    await waitUntil('the woken run refused', () =>
      current.logs.some((line) => /long: a newer run took it over .* result is discarded/.test(line)),
    );
  });
});
