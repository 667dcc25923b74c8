import assert from 'node:assert/strict';
import { describeBackendState } from '../../extension/src/backend/backendState';
import type { HealthReport } from '../../server/src/protocol';

const ready: HealthReport = {
  phase: 'ready',
  version: '0.1.0',
  redis: { state: 'ok', target: 'redis://127.0.0.1:6379', detail: 'Redis 7.0.15, maxmemory-policy noeviction' },
  postgres: { state: 'ok', target: 'postgresql://takoss:***@127.0.0.1:5432/takoss', detail: 'PostgreSQL 16' },
  apiKey: { configured: true, detail: 'set in ANTHROPIC_API_KEY' },
};

describe('describeBackendState', () => {
  it('shows a ready backend without a problem', () => {
    const view = describeBackendState({ kind: 'running', health: ready });
    assert.equal(view.severity, 'ok');
    assert.equal(view.problem, undefined);
    assert.ok(view.details.some((line) => line.includes('Redis 7.0.15')));
  });

  it('names Redis as down, with the message that says how to start it', () => {
    const detail = 'Redis unavailable at redis://127.0.0.1:6379 — start it with docker compose up -d (ECONNREFUSED)';
    const view = describeBackendState({
      kind: 'running',
      health: {
        ...ready,
        phase: 'degraded',
        redis: { state: 'unavailable', target: 'redis://127.0.0.1:6379', detail },
      },
    });
    assert.equal(view.summary, 'Takoss: Redis down');
    assert.equal(view.severity, 'error');
    assert.equal(view.problem, detail);
  });

  it('names PostgreSQL when only it is down', () => {
    const view = describeBackendState({
      kind: 'running',
      health: {
        ...ready,
        phase: 'degraded',
        postgres: { state: 'unavailable', target: 'pg', detail: 'PostgreSQL unavailable' },
      },
    });
    assert.equal(view.summary, 'Takoss: PostgreSQL down');
  });

  it('puts an invalid setting first', () => {
    const view = describeBackendState({
      kind: 'running',
      health: { ...ready, phase: 'degraded', configError: 'Invalid setting takoss.concurrency = "0"' },
    });
    assert.equal(view.summary, 'Takoss: settings invalid');
    assert.equal(view.problem, 'Invalid setting takoss.concurrency = "0"');
  });

  it('describes a restart in progress and a backend that gave up', () => {
    assert.match(
      describeBackendState({ kind: 'restarting', attempt: 2, delayMs: 2000 }).details[0]!,
      /restart 2 in 2 s/,
    );
    const failed = describeBackendState({ kind: 'failed', reason: 'stopped 6 times' });
    assert.equal(failed.severity, 'error');
    assert.equal(failed.problem, 'stopped 6 times');
  });
});
