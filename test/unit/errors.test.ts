import assert from 'node:assert/strict';
import {
  EXIT_CODE,
  ServiceMisconfiguredError,
  ServiceUnavailableError,
  TakossError,
  errorMessage,
} from '../../server/src/errors';

describe('errors', () => {
  it('maps each kind to the exit code of DESIGN.md §3.1', () => {
    assert.deepEqual(EXIT_CODE, { ok: 0, failed: 1, usage: 2, infrastructure: 3 });
    assert.equal(new TakossError('usage', 'x').exitCode, 2);
    assert.equal(new TakossError('failed', 'x').exitCode, 1);
  });

  it('says which service, where, and how to start it', () => {
    const error = new ServiceUnavailableError('Redis', 'redis://127.0.0.1:1', 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(
      error.message,
      'Redis unavailable at redis://127.0.0.1:1 — start it with docker compose up -d (connect ECONNREFUSED 127.0.0.1:1)',
    );
    assert.equal(error.exitCode, 3);
  });

  it('says what is wrong with a misconfigured service and the fix', () => {
    const error = new ServiceMisconfiguredError(
      'Redis',
      'redis://h:6379',
      'uses maxmemory-policy allkeys-lru',
      'set noeviction',
    );
    assert.equal(error.message, 'Redis at redis://h:6379 uses maxmemory-policy allkeys-lru — set noeviction');
    assert.equal(error.exitCode, 3);
  });

  it('finds a message in errors that carry none', () => {
    const refused = Object.assign(new Error(''), { code: 'ECONNREFUSED' });
    assert.equal(errorMessage(refused), 'ECONNREFUSED');
    assert.equal(errorMessage(new AggregateError([new Error('inner reason')], '')), 'inner reason');
    assert.equal(errorMessage('plain'), 'plain');
  });
});
