/**
 * What a Takoss backend under test talks to: a throw-away PostgreSQL database, its own BullMQ
 * queue on the shared Redis, and the local Messages-API fake in place of Claude. `env` is what
 * the backend's environment needs; the extension passes its own environment to the backend.
 */
import { randomBytes } from 'node:crypto';
import { type FakeAnthropic, type FakeAnthropicScript, startFakeAnthropic } from '../../fixtures/fakeAnthropic';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

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
  const database = await createTestDatabase('takoss_e2e');
  let fake: FakeAnthropic;
  try {
    fake = await startFakeAnthropic(script);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    fake,
    database,
    env: {
      DATABASE_URL: database.url,
      TAKOSS_QUEUE_NAME: `e2e-${randomBytes(4).toString('hex')}`,
      ANTHROPIC_BASE_URL: fake.baseUrl,
    },
    async close() {
      await fake.close();
      await database.drop();
    },
  };
}
