/**
 * What a test leaves in the shared Redis — its chains' keys (an hour's TTL) and its own BullMQ
 * queue (no TTL at all) — removed when it ends, so test runs do not pile up there, and a
 * benchmark run afterwards on the same Redis finds what it found before the tests.
 */
import { Queue } from 'bullmq';
import { DatabaseError } from 'pg';
import { ContextAccumulator } from '../../server/src/context/contextAccumulator';
import { CHAIN_ID_PATTERN } from '../../server/src/context/keys';
import { connectionFor } from '../../server/src/engine/engine';
import { DEFAULT_QUEUE_SETTINGS } from '../../server/src/queue/taskQueue';
import { createRedisClient } from '../../server/src/services/redis';
import { withClient } from './database';

export interface TestLeftovers {
  /** The Redis the test ran on. */
  readonly redisUrl: string;
  /** The test's own database: every chain recorded there is the test's. */
  readonly databaseUrl: string;
  /** The test's own queue; the default queue is never deleted. */
  readonly queueName: string;
  /** @defaultValue DEFAULT_QUEUE_SETTINGS.prefix */
  readonly queuePrefix?: string;
}

/**
 * Deletes the keys of the chains recorded in the test's database, then the test's queue. Call it
 * once the processes that used them have stopped, and before dropping the database.
 */
export async function removeLeftoversFromSharedRedis(leftovers: TestLeftovers): Promise<void> {
  if (leftovers.queueName === DEFAULT_QUEUE_SETTINGS.name) {
    throw new Error(`Refusing to delete the default queue "${leftovers.queueName}": give the test a queue of its own.`);
  }
  const chainIds = await chainsRecordedIn(leftovers.databaseUrl);
  if (chainIds.length > 0) {
    const redis = createRedisClient(leftovers.redisUrl);
    try {
      await redis.connect();
      const accumulator = new ContextAccumulator(redis);
      for (const chainId of chainIds) await accumulator.cleanupChain(chainId);
    } finally {
      redis.disconnect();
    }
  }
  const queue = new Queue(leftovers.queueName, {
    connection: connectionFor(leftovers.redisUrl),
    prefix: leftovers.queuePrefix ?? DEFAULT_QUEUE_SETTINGS.prefix,
  });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

/** PostgreSQL's codes for a database, or a table, that does not exist. */
const NOT_THERE = new Set(['3D000', '42P01']);

/** The ids of the chains in a database; none if it was never created or migrated. */
async function chainsRecordedIn(databaseUrl: string): Promise<string[]> {
  try {
    return await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM "Chain"');
      return rows.map((row) => row.id).filter((id) => CHAIN_ID_PATTERN.test(id));
    });
  } catch (error) {
    if (error instanceof DatabaseError && error.code !== undefined && NOT_THERE.has(error.code)) return [];
    throw error;
  }
}
