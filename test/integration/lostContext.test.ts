/**
 * A dependency's result gone from Redis before its dependent runs (a TTL ran out, someone
 * cleaned up): issue 7, case 10. With the durable copy in PostgreSQL it is restored and the
 * dependent gets it; without one the dependent fails naming the missing task, and Claude is
 * never called with empty context.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';
import { eventually, waitUntil } from '../helpers/eventually';

const UPSTREAM_SUMMARY = 'upstream exports parseTodo(text) from src/parse.ts';

function script() {
  return {
    plans: [{ tasks: [planTask('upstream'), planTask('slow'), planTask('dependent', ['upstream', 'slow'])] }],
    tasks: {
      upstream: {
        files: [{ path: 'src/parse.ts', content: 'export const parseTodo = (text: string) => text;\n' }],
        summary: UPSTREAM_SUMMARY,
      },
      // Holds the dependent back, so the upstream result can be lost in between.
      slow: { files: [{ path: 'src/slow.ts', content: 'export {};\n' }], delayMs: 1500 },
      dependent: { files: [{ path: 'src/use.ts', content: "import './parse';\n" }] },
    },
  };
}

/** Once upstream's result is in Redis and in PostgreSQL, deletes it from Redis (and, if asked, from PostgreSQL). */
async function loseUpstreamResult(harness: Harness, alsoDurable: boolean): Promise<void> {
  const redis = new Redis(harness.config.redisUrl);
  const pg = new Client({ connectionString: harness.database.url });
  // The harness has created and migrated the database by now.
  await pg.connect();
  try {
    const chainId = await eventually(
      'the chain',
      async () => (await pg.query<{ id: string }>('SELECT id FROM "Chain"')).rows[0]?.id,
      20_000,
      20,
    );
    const key = `chain:${chainId}:result:upstream`;
    await waitUntil('upstream stored in Redis and PostgreSQL', async () => {
      const { rows } = await pg.query<{ stored: boolean }>(
        `SELECT output IS NOT NULL AS stored FROM "ChainTask" WHERE "chainId" = $1 AND "taskId" = 'upstream'`,
        [chainId],
      );
      return (await redis.exists(key)) === 1 && rows[0]?.stored === true;
    });
    await redis.del(key);
    if (alsoDurable) {
      await pg.query(`UPDATE "ChainTask" SET output = NULL WHERE "chainId" = $1 AND "taskId" = 'upstream'`, [chainId]);
    }
  } finally {
    redis.disconnect();
    await pg.end();
  }
}

describe('a dependency result lost from Redis', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('is restored from PostgreSQL and handed to the dependent', async () => {
    const current = await startHarness(script());
    harness = current;
    const [run] = await Promise.all([current.build(), loseUpstreamResult(current, false)]);
    assert.equal(run.result.status, 'succeeded', current.logs.join('\n'));
    const [call] = current.fake.requestsFor('dependent');
    assert.ok(call?.firstUserText.includes(UPSTREAM_SUMMARY), 'the restored result is in the prompt');
    assert.ok(current.logs.some((line) => /Restored the result of .*\/upstream from PostgreSQL/.test(line)));
  });

  it('without a durable copy, fails the dependent naming the missing task, and never calls Claude for it', async () => {
    const current = await startHarness(script());
    harness = current;
    const [run] = await Promise.all([current.build(), loseUpstreamResult(current, true)]);
    assert.notEqual(run.result.status, 'succeeded');
    const record = await current.engine.repository.find(run.created.chainId);
    const dependent = record!.tasks.find((task) => task.taskId === 'dependent');
    assert.equal(dependent?.status, 'failed');
    assert.match(dependent?.error ?? '', /the output of "upstream" is no longer in Redis .* and has no durable copy/);
    assert.equal(current.fake.requestsFor('dependent').length, 0, 'Claude was not called with empty context');
  });
});
