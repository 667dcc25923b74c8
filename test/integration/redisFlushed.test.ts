/**
 * Redis flushed in the middle of a chain (issue 7, case 9), on a private redis-server: the
 * chain is reported as interrupted — PostgreSQL still knows it — with the way out, and
 * `resume` rebuilds it from PostgreSQL and runs only the unfinished tasks.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { prepareResume } from '../../server/src/orchestrator/orchestrator';
import { linearChain, startHarness, type Harness } from '../helpers/engineHarness';
import { waitUntil } from '../helpers/eventually';
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis';

const TASKS = ['first', 'second', 'third'];

describe('Redis flushed mid-chain', function () {
  this.timeout(90_000);
  let redis: PrivateRedis | undefined;
  let harness: Harness | undefined;

  after(async () => {
    await harness?.close();
    await redis?.stop();
  });

  it('reports the chain interrupted, and resume finishes it without re-running finished tasks', async () => {
    redis = await startPrivateRedis();
    harness = await startHarness(linearChain(TASKS, 400), { redisUrl: redis.url });
    const current = harness;
    const building = current.build('Build it in three steps', { concurrency: 1 });
    await waitUntil('"second" running', () => current.fake.requestsFor('second').length > 0);
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();

    await assert.rejects(building, /lost its state in Redis.*takoss chains resume/s);
    const chainId = (await current.engine.repository.list())[0]!.chainId;
    const { rebuilt } = await prepareResume(current.engine, chainId);
    assert.equal(rebuilt, true, 'rebuilt from PostgreSQL');
    const result = await current.engine
      .driver(chainId, workspaceApplier(current.workspace, chainId, current.engine.repository))
      .run();
    assert.equal(result.status, 'succeeded', current.logs.slice(-20).join('\n'));
    assert.equal(current.fake.runsOf('first'), 1, 'finished before the flush: not run again');
    assert.equal(current.fake.runsOf('third'), 1);
    assert.deepEqual((await readdir(current.workspace)).sort(), ['first.ts', 'second.ts', 'third.ts']);
  });
});
