/**
 * A 1,000-task soak on a private Redis (issue 7, case 6): 25 chains of 40 tasks against a
 * fast fake. Afterwards no task is lost, and Redis holds a bounded set of keys: BullMQ keeps
 * at most its retention count of finished jobs, the queue's event stream is capped, and every
 * key of a chain expires with the context TTL.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis';

const CHAINS = 25;
const TASKS_PER_CHAIN = 40;
/** removeOnComplete's count in server/src/queue/taskQueue.ts. */
const JOB_RETENTION = 1000;

/** Forty tasks in ten layered groups of four: each depends on one task of the group before. */
function plan() {
  return {
    tasks: Array.from({ length: TASKS_PER_CHAIN }, (_, index) =>
      planTask(`t${index}`, index < 4 ? [] : [`t${index - 4}`], 'backend'),
    ),
  };
}

describe('a 1,000-task soak', function () {
  this.timeout(300_000);
  let redis: PrivateRedis | undefined;
  let harness: Harness | undefined;
  let client: Redis | undefined;

  after(async () => {
    client?.disconnect();
    await harness?.close();
    await redis?.stop();
  });

  it('loses no task, and leaves Redis with bounded keys that all expire or are capped', async () => {
    redis = await startPrivateRedis();
    harness = await startHarness({ plans: [plan()], allowUnknownTasks: true }, { redisUrl: redis.url });
    const chainIds: string[] = [];
    for (let chain = 0; chain < CHAINS; chain += 1) {
      const run = await harness.build(`Soak chain ${chain}`, { concurrency: 8 });
      assert.equal(run.result.status, 'succeeded', `chain ${chain}`);
      chainIds.push(run.created.chainId);
    }
    for (const chainId of chainIds) {
      const record = await harness.engine.repository.find(chainId);
      assert.equal(record!.tasks.filter((task) => task.status === 'succeeded').length, TASKS_PER_CHAIN, chainId);
    }
    assert.equal(
      harness.fake.requests.filter((request) => request.kind === 'task' && request.turn === 0).length,
      CHAINS * TASKS_PER_CHAIN,
      'each task called Claude once',
    );

    client = new Redis(redis.url);
    const keys = await client.keys('*');
    const queuePrefix = `${harness.engine.settings.prefix}:${harness.engine.settings.name}:`;
    const queueKeys = keys.filter((key) => key.startsWith(queuePrefix));
    const chainKeys = keys.filter((key) => key.startsWith('chain:'));
    const other = keys.filter((key) => !key.startsWith(queuePrefix) && !key.startsWith('chain:'));
    assert.deepEqual(other, [], 'only queue and chain keys');

    // Finished jobs beyond the retention count are gone; the rest of the queue is a few fixed keys.
    const jobHashes = queueKeys.filter(
      (key) => /:[^:]+$/.test(key.slice(queuePrefix.length - 1)) && !key.endsWith(':events'),
    );
    assert.ok(
      jobHashes.length <= JOB_RETENTION + 20,
      `${jobHashes.length} queue keys for ${CHAINS * TASKS_PER_CHAIN} jobs`,
    );
    const events = await client.xlen(`${queuePrefix}events`);
    assert.ok(events <= 10_100, `queue event stream capped (${events})`);

    const withoutTtl: string[] = [];
    for (const key of chainKeys) if ((await client.ttl(key)) < 0) withoutTtl.push(key);
    assert.deepEqual(withoutTtl, [], 'every chain key expires');
    // Per task its result and the context it received; per chain a dozen fixed keys.
    const perChain = chainKeys.length / CHAINS;
    assert.ok(perChain <= 2 * TASKS_PER_CHAIN + 15, `${perChain} keys per chain`);
    const memory = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
    assert.ok(memory < 64 * 1_048_576, `Redis uses ${memory} bytes after the soak`);
    console.log(
      `      soak: ${keys.length} keys, ${(memory / 1_048_576).toFixed(1)} MB, ${jobHashes.length} job keys, ${events} events`,
    );
  });
});
