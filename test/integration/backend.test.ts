import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Backend } from '../../server/src/backend';
import { createLogger, type Logger } from '../../server/src/logger';
import type { HealthReport } from '../../server/src/protocol';
import { freshDatabase, withClient, type TestDatabase } from '../helpers/database';
import { MIGRATION_NAMES } from '../helpers/paths';
import { startPrivateRedis } from '../helpers/privateRedis';

function collectingLogger(lines: string[]): Logger {
  return createLogger((level, line) => lines.push(`${level}: ${line}`), 'debug');
}

function waitForHealth(backend: Backend, predicate: (report: HealthReport) => boolean, timeoutMs = 15_000) {
  if (predicate(backend.health)) return Promise.resolve(backend.health);
  return new Promise<HealthReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`health never matched; last: ${JSON.stringify(backend.health)}`));
    }, timeoutMs);
    const stop = backend.onDidChangeHealth((report) => {
      if (!predicate(report)) return;
      clearTimeout(timer);
      stop();
      resolve(report);
    });
  });
}

describe('Backend start-up against real services', () => {
  let database: TestDatabase;
  let backend: Backend | undefined;

  beforeEach(() => {
    database = freshDatabase();
  });

  afterEach(async () => {
    await backend?.dispose();
    backend = undefined;
    await database.drop();
  });

  it('creates its database, applies the migrations and reports ready', async () => {
    const lines: string[] = [];
    backend = new Backend({
      settings: { databaseUrl: database.url },
      env: { ANTHROPIC_API_KEY: 'sk-ant-test-key-0123456789' },
      logger: collectingLogger(lines),
    });
    assert.equal(backend.health.phase, 'starting');
    backend.start();
    const report = await backend.whenSettled();
    assert.equal(report.phase, 'ready', JSON.stringify(report));
    assert.equal(report.redis.state, 'ok');
    assert.match(report.redis.detail, /maxmemory-policy noeviction/);
    assert.match(report.postgres.detail, new RegExp(`migrations ${MIGRATION_NAMES.length} applied`));
    assert.equal(report.apiKey.configured, true);
    assert.ok(lines.some((line) => line.includes(`Created database ${database.name}`)));
    assert.ok(lines.some((line) => /Applied migration \d+_init/.test(line)));
    const recorded = await withClient(database.url, (client) => client.query('SELECT 1 FROM "_prisma_migrations"'));
    assert.equal(recorded.rowCount, MIGRATION_NAMES.length);
  });

  it('reports Redis as unavailable, with its URL and how to start it', async () => {
    backend = new Backend({
      settings: { redisUrl: 'redis://127.0.0.1:1', databaseUrl: database.url },
      env: {},
      logger: collectingLogger([]),
    });
    backend.start();
    const report = await backend.whenSettled();
    assert.equal(report.phase, 'degraded');
    assert.equal(report.redis.state, 'unavailable');
    assert.match(
      report.redis.detail,
      /^Redis unavailable at redis:\/\/127\.0\.0\.1:1 — start it with docker compose up -d/,
    );
    assert.equal(report.postgres.state, 'ok', 'PostgreSQL is checked independently');
  });

  it('refuses a Redis that may evict keys, saying how to fix it', async () => {
    const redis = await startPrivateRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      backend = new Backend({
        settings: { redisUrl: redis.url, databaseUrl: database.url },
        env: {},
        logger: collectingLogger([]),
      });
      backend.start();
      const report = await backend.whenSettled();
      assert.equal(report.phase, 'degraded');
      assert.equal(report.redis.state, 'misconfigured');
      assert.match(report.redis.detail, /uses maxmemory-policy allkeys-lru/);
      assert.match(report.redis.detail, /CONFIG SET maxmemory-policy noeviction/);
    } finally {
      await redis.stop();
    }
  });

  it('recovers by itself when Redis comes up after the backend', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'takoss-late-redis-'));
    const socketPath = path.join(dir, 'redis.sock');
    let redis;
    try {
      backend = new Backend({
        settings: { redisUrl: `unix://${socketPath}`, databaseUrl: database.url },
        env: {},
        logger: collectingLogger([]),
        retryInitialMs: 100,
        retryMaxMs: 300,
      });
      backend.start();
      const down = await backend.whenSettled();
      assert.equal(down.redis.state, 'unavailable');
      redis = await startPrivateRedis({ dir });
      const up = await waitForHealth(backend, (report) => report.phase === 'ready');
      assert.equal(up.redis.state, 'ok');
    } finally {
      await redis?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports an invalid setting and contacts no service', async () => {
    backend = new Backend({ settings: { concurrency: 0 }, env: {}, logger: collectingLogger([]) });
    backend.start();
    const report = await backend.whenSettled();
    assert.equal(report.phase, 'degraded');
    assert.match(report.configError ?? '', /setting takoss\.concurrency = "0"/);
    assert.equal(report.redis.state, 'pending');
  });
});
