/**
 * What a test leaves in the shared Redis — its chains' keys (an hour's TTL) and its own BullMQ
 * queue (no TTL at all) — removed when it ends, so test runs do not pile up there, and a
 * benchmark run afterwards on the same Redis finds what it found before the tests.
 */
import { Queue } from 'bullmq';
import { chainKeys } from '../../server/src/context/keys';
import { connectionFor } from '../../server/src/engine/engine';
import { DEFAULT_QUEUE_SETTINGS } from '../../server/src/queue/taskQueue';
import { createRedisClient } from '../../server/src/services/redis';
import { withClient } from './database';

export interface TestTraces {
  /** The Redis the test ran on. */
  readonly redisUrl: string;
  /** The test's own database: every chain recorded there is the test's. */
  readonly databaseUrl: string;
  /** The test's own queue; the default queue is never deleted. */
  readonly queueName: string;
  /** @defaultValue DEFAULT_QUEUE_SETTINGS.prefix */
  readonly queuePrefix?: string;
}

/** Deletes the keys of the chains in the test's database, then the test's queue. Call it before dropping the database. */
export async function removeTestTraces(traces: TestTraces): Promise<void> {
  if (traces.queueName === DEFAULT_QUEUE_SETTINGS.name) {
    throw new Error(`Refusing to delete the default queue "${traces.queueName}": give the test a queue of its own.`);
  }
  const chainIds = await chainsRecordedIn(traces.databaseUrl);
  const redis = createRedisClient(traces.redisUrl);
  try {
    await redis.connect();
    for (const chainId of chainIds) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', chainKeys(chainId).pattern, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  const queue = new Queue(traces.queueName, {
    connection: connectionFor(traces.redisUrl),
    prefix: traces.queuePrefix ?? DEFAULT_QUEUE_SETTINGS.prefix,
  });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

/** The ids of the chains in a database; none if it was never created or migrated. */
async function chainsRecordedIn(databaseUrl: string): Promise<string[]> {
  try {
    return await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM "Chain"');
      return rows.map((row) => row.id);
    });
  } catch {
    return [];
  }
}
