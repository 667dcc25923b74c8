import assert from 'node:assert/strict';
import { applyMigrations } from '../../server/src/db/migrations';
import { createPool } from '../../server/src/db/postgres';
import { runCli } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { MIGRATIONS_DIR, MIGRATION_NAMES } from '../helpers/paths';
import { startPrivateRedis } from '../helpers/privateRedis';

const KEY = 'sk-ant-test-doctor-key-0123456789';

function line(stdout: string, name: string): string {
  const found = stdout.split('\n').find((each) => each.slice(2).startsWith(name));
  assert.ok(found, `a line for ${name} in:\n${stdout}`);
  return found;
}

describe('takoss doctor', () => {
  let database: TestDatabase;
  let healthyEnv: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase();
    const pool = createPool(database.url);
    await applyMigrations(pool, MIGRATIONS_DIR);
    await pool.end();
    healthyEnv = { DATABASE_URL: database.url, ANTHROPIC_API_KEY: KEY };
  });

  after(() => database.drop());

  it('passes with every service up: one line per check, exit 0', async () => {
    const result = await runCli(['doctor'], healthyEnv);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.ok(lines.every((each) => each.startsWith('✓')));
    assert.match(
      line(result.stdout, 'Redis'),
      /redis:\/\/127\.0\.0\.1:6379 — Redis [\d.]+, maxmemory-policy noeviction/,
    );
    assert.match(line(result.stdout, 'PostgreSQL'), new RegExp(`migrations ${MIGRATION_NAMES.length} applied`));
    assert.match(line(result.stdout, 'Configuration'), /DATABASE_URL from the environment/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(KEY), 'the key is never printed');
    assert.doesNotMatch(result.stdout, /:takoss@/, 'the database password is masked');
  });

  it('exits 3 and names Redis when it does not answer', async () => {
    const result = await runCli(['doctor'], { ...healthyEnv, REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(result.code, 3);
    assert.match(
      line(result.stdout, 'Redis'),
      /^✗ Redis +Redis unavailable at redis:\/\/127\.0\.0\.1:1 — start it with docker compose up -d/,
    );
    assert.match(line(result.stdout, 'PostgreSQL'), /^✓/);
  });

  it('exits 3 and names PostgreSQL when it does not answer', async () => {
    const result = await runCli(['doctor'], {
      ...healthyEnv,
      DATABASE_URL: 'postgresql://takoss:takoss@127.0.0.1:1/takoss',
    });
    assert.equal(result.code, 3);
    assert.match(
      line(result.stdout, 'PostgreSQL'),
      /^✗ PostgreSQL +PostgreSQL unavailable at postgresql:\/\/takoss:\*\*\*@127\.0\.0\.1:1/,
    );
  });

  it('exits 3 for a Redis that may evict keys, and says how to fix it', async () => {
    const redis = await startPrivateRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const result = await runCli(['doctor'], { ...healthyEnv, REDIS_URL: redis.url });
      assert.equal(result.code, 3);
      assert.match(line(result.stdout, 'Redis'), /maxmemory-policy allkeys-lru.*noeviction/);
    } finally {
      await redis.stop();
    }
  });

  it('exits 3 without an API key, saying where to set it', async () => {
    const result = await runCli(['doctor'], { DATABASE_URL: database.url });
    assert.equal(result.code, 3);
    assert.match(line(result.stdout, 'Anthropic API key'), /^✗ .*not set — set ANTHROPIC_API_KEY/);
  });

  it('exits 2 for an invalid setting, naming the variable', async () => {
    const result = await runCli(['doctor'], { ...healthyEnv, REDIS_URL: 'http://127.0.0.1:6379' });
    assert.equal(result.code, 2);
    assert.match(
      line(result.stdout, 'Configuration'),
      /Invalid environment variable REDIS_URL = "http:\/\/127\.0\.0\.1:6379"/,
    );
  });

  it('prints one JSON object with --json', async () => {
    const result = await runCli(['doctor', '--json'], healthyEnv);
    assert.equal(result.code, 0);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; ok: boolean }[] };
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((check) => check.name),
      ['Configuration', 'Redis', 'PostgreSQL', 'Anthropic API key'],
    );
  });
});

describe('takoss usage', () => {
  it('exits 2 for an unknown command or option', async () => {
    const unknownCommand = await runCli(['frobnicate']);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command 'frobnicate'/);
    const unknownOption = await runCli(['doctor', '--frob']);
    assert.equal(unknownOption.code, 2);
  });

  it('exits 0 for --help and --version', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /doctor/);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });
});
