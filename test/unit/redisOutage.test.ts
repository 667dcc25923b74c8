import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { describeRedisClient, isRedisUnavailable } from '../../server/src/services/redisOutage';

describe('isRedisUnavailable', () => {
  it('recognises a command that gave up while Redis was unreachable', () => {
    const gaveUp = Object.assign(new Error('Reached the max retries per request limit (which is 3).'), {
      name: 'MaxRetriesPerRequestError',
    });
    assert.equal(isRedisUnavailable(gaveUp), true);
    assert.equal(isRedisUnavailable(new Error('Connection is closed.')), true);
    assert.equal(isRedisUnavailable(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isRedisUnavailable(new Error('LOADING Redis is loading the dataset in memory')), true);
  });

  it('does not mistake a failed command or a bug for an outage', () => {
    assert.equal(
      isRedisUnavailable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
      false,
    );
    assert.equal(isRedisUnavailable(new Error('ERR Error running script')), false);
    assert.equal(isRedisUnavailable(new TypeError('Cannot read properties of undefined')), false);
    assert.equal(isRedisUnavailable('Connection is closed'), false, 'only errors are classified');
    assert.equal(isRedisUnavailable(undefined), false);
  });
});

describe('describeRedisClient', () => {
  it('names where the client connects, and never its password', () => {
    const tcp = new Redis({ host: '10.0.0.7', port: 6380, password: 's3cret', lazyConnect: true });
    const socket = new Redis({ path: '/run/redis.sock', lazyConnect: true });
    try {
      assert.equal(describeRedisClient(tcp), 'redis://10.0.0.7:6380');
      assert.equal(describeRedisClient(socket), 'unix:///run/redis.sock');
    } finally {
      tcp.disconnect();
      socket.disconnect();
    }
  });
});
