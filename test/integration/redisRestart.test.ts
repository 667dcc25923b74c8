/**
 * Redis restarted in the middle of a chain (issue 7, case 7), on a private redis-server with
 * AOF: the workers reconnect and keep consuming, the chain's driver waits for Redis and
 * catches up — the chain completes — and only the task that was running re-runs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linearChain, startHarness, type Harness } from '../helpers/engineHarness';
import { waitUntil } from '../helpers/eventually';
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis';

const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];
const TASKS = ['first', 'second', 'third', 'fourth'];

describe('Redis restarted mid-chain', function () {
  this.timeout(90_000);
  let dir: string;
  let redis: PrivateRedis | undefined;
  let harness: Harness | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'takoss-redis-aof-'));
  });
  after(async () => {
    await harness?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reconnects, keeps consuming and completes the chain; only the running task runs again', async () => {
    redis = await startPrivateRedis({ dir, args: AOF });
    harness = await startHarness(linearChain(TASKS, 400), { redisUrl: redis.url });
    const current = harness;
    const building = current.build('Build it in four steps', { concurrency: 1 });

    await waitUntil('"second" running', () => current.fake.requestsFor('second').length > 0);
    await redis.stop();
    // Longer than the driver's commands retry for: the driver itself must ride out the outage.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    redis = await startPrivateRedis({ dir, args: AOF });

    const run = await building;
    assert.equal(run.result.status, 'succeeded', current.logs.slice(-20).join('\n'));
    assert.equal(current.fake.runsOf('first'), 1, 'finished before the restart: not run again');
    assert.ok(current.fake.runsOf('second') <= 2, 'in flight at the restart: at most once more');
    assert.equal(current.fake.runsOf('third'), 1);
    assert.equal(current.fake.runsOf('fourth'), 1);
  });
});
