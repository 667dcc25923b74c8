/**
 * What a Takoss backend under test talks to: a throw-away PostgreSQL database, its own BullMQ
 * queue on the shared Redis, and the local Messages-API fake in place of Claude. `env` is what
 * the backend's environment needs; the extension passes its own environment to the backend.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_CONFIG } from '../../../server/src/config';
import { type FakeAnthropic, type FakeAnthropicScript, startFakeAnthropic } from '../../fixtures/fakeAnthropic';
import { createTestDatabase, databaseUrl, type TestDatabase, withClient } from '../../helpers/database';
import { removeLeftoversFromSharedRedis } from '../../helpers/sharedRedisCleanup';

const DATABASE_PREFIX = 'takoss_e2e';
/** A key the fake accepts; Claude never sees it. */
export const E2E_API_KEY = 'sk-ant-e2e-local-fake-key-0123456789';

export interface TakossEnvironment {
  readonly fake: FakeAnthropic;
  readonly database: TestDatabase;
  /** DATABASE_URL, TAKOSS_QUEUE_NAME and ANTHROPIC_BASE_URL (never an API key). */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startTakossEnvironment(script: FakeAnthropicScript): Promise<TakossEnvironment> {
  await dropAbandonedDatabases();
  const database = await createTestDatabase(DATABASE_PREFIX);
  let fake: FakeAnthropic;
  try {
    fake = await startFakeAnthropic(script);
  } catch (error) {
    await database.drop();
    throw error;
  }
  const queueName = `e2e-${randomBytes(4).toString('hex')}`;
  return {
    fake,
    database,
    env: { DATABASE_URL: database.url, TAKOSS_QUEUE_NAME: queueName, ANTHROPIC_BASE_URL: fake.baseUrl },
    async close() {
      const fakeClosed = Promise.allSettled([fake.close()]);
      // In turn: the chains to remove from Redis are read from the database before it goes.
      const removed = await Promise.allSettled([
        removeLeftoversFromSharedRedis({ redisUrl: DEFAULT_CONFIG.redisUrl, databaseUrl: database.url, queueName }),
      ]);
      const dropped = await Promise.allSettled([database.drop()]);
      const steps = [...removed, ...dropped, ...(await fakeClosed)];
      const failed = steps.find((step): step is PromiseRejectedResult => step.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Databases of e2e runs whose process is gone (killed, or an extension-host run whose teardown
 * never came): their names carry the creating process's id.
 */
async function dropAbandonedDatabases(): Promise<void> {
  await withClient(databaseUrl('postgres'), async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${DATABASE_PREFIX}\\_%`,
    ]);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(DATABASE_PREFIX.length + 1).split('_')[0]);
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
