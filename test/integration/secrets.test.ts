/**
 * After a whole build — retries and a failed task included — the API key is nowhere Takoss
 * keeps or prints anything (issue 7, case 25): not in any Redis key or job, not in any
 * PostgreSQL table, not in the CLI's output or logs, not in the workspace.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { runCli } from '../helpers/cli';
import { freshDatabase, withClient, type TestDatabase } from '../helpers/database';
import { planTask } from '../helpers/engineHarness';
import { removeLeftoversFromSharedRedis } from '../helpers/sharedRedisCleanup';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fakeAnthropic';

/** Everything a Redis key holds, as text, whatever its type. */
async function dumpKey(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the API key after a build', function () {
  this.timeout(90_000);
  const apiKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
  // A leak that cut or masked part of the key would still show its tail.
  const needles = [apiKey, apiKey.slice(-16)];
  let fake: FakeAnthropic;
  let database: TestDatabase;
  let workspace: string;
  let redis: Redis;
  const queueName = `secrets-${randomBytes(4).toString('hex')}`;

  before(async () => {
    fake = await startFakeAnthropic({
      plans: [{ tasks: [planTask('setup', [], 'devops'), planTask('api', ['setup']), planTask('broken', ['setup'])] }],
      tasks: {
        setup: { files: [{ path: 'package.json', content: '{ "name": "app" }\n' }] },
        api: {
          files: [{ path: 'server.js', content: 'export {};\n' }],
          faults: [{ kind: 'http', status: 529 }, { kind: 'streamError' }],
        },
        broken: { faults: [{ kind: 'http', status: 400, message: 'scripted refusal' }] },
      },
    });
    database = freshDatabase();
    workspace = await mkdtemp(path.join(tmpdir(), 'takoss-secrets-'));
    redis = new Redis(DEFAULT_CONFIG.redisUrl);
  });

  after(async () => {
    redis.disconnect();
    try {
      await removeLeftoversFromSharedRedis({ redisUrl: DEFAULT_CONFIG.redisUrl, databaseUrl: database.url, queueName });
    } finally {
      await fake.close();
      await database.drop();
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('is in no Redis key or job, no PostgreSQL row, no output, no workspace file', async () => {
    const result = await runCli(['build', 'Build a small API', '--workspace', workspace, '--json'], {
      DATABASE_URL: database.url,
      ANTHROPIC_API_KEY: apiKey,
      ANTHROPIC_BASE_URL: fake.baseUrl,
      TAKOSS_QUEUE_NAME: queueName,
      TAKOSS_RETRY_BACKOFF_MS: '50',
    });
    assert.equal(result.code, 1, `one task failed on purpose:\n${result.stderr}`);
    const summary = JSON.parse(result.stdout) as { chainId: string; tasks: { id: string; attempts: number }[] };
    assert.equal(summary.tasks.find((task) => task.id === 'api')?.attempts, 3, 'the retries happened');
    assert.ok(
      fake.requests.some((request) => JSON.stringify(request.headers).includes(apiKey)),
      'the key did reach the API, so it was there to leak',
    );

    const places: [string, string][] = [
      ['stdout', result.stdout],
      ['stderr', result.stderr],
    ];
    // Every key of the shared Redis: the key is unique to this test, so any hit is this build's.
    let keys = 0;
    for await (const batch of redis.scanStream({ count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) {
        keys += 1;
        places.push([`redis ${key}`, `${key} ${await dumpKey(redis, key)}`]);
      }
    }
    assert.ok(
      places.some(([place]) => place.includes(summary.chainId)),
      `the scan saw this chain's keys (${keys} keys)`,
    );
    await withClient(database.url, async (client) => {
      const { rows: tables } = await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      assert.ok(tables.length >= 8, `tables: ${tables.map((table) => table.name).join(', ')}`);
      for (const { name } of tables) {
        const { rows } = await client.query<{ row: string }>(
          `SELECT t::text AS row FROM ${client.escapeIdentifier(name)} t`,
        );
        places.push([`postgres ${name}`, rows.map((row) => row.row).join('\n')]);
      }
    });
    for (const file of await filesUnder(workspace)) places.push([`workspace ${file}`, await readFile(file, 'utf8')]);

    const leaks = places.filter(([, text]) => needles.some((needle) => text.includes(needle))).map(([place]) => place);
    assert.deepEqual(leaks, []);
  });
});
