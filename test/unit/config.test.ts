import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG, SETTING_KEYS, resolveConfig } from '../../server/src/config';

describe('resolveConfig', () => {
  it('uses the defaults of DESIGN.md §3.2 when nothing is set', () => {
    const { config, sources } = resolveConfig({ env: {} });
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.databaseUrl, 'postgresql://takoss:takoss@127.0.0.1:5432/takoss');
    for (const key of SETTING_KEYS) assert.equal(sources[key], 'default', key);
  });

  it('takes the environment over the default', () => {
    const { config, sources } = resolveConfig({
      env: { REDIS_URL: 'redis://cache:6380', DATABASE_URL: 'postgres://u:p@db/x', TAKOSS_MODEL: 'claude-opus-5-5' },
    });
    assert.equal(config.redisUrl, 'redis://cache:6380');
    assert.equal(config.databaseUrl, 'postgres://u:p@db/x');
    assert.equal(config.model, 'claude-opus-5-5');
    assert.equal(sources.redisUrl, 'env');
    assert.equal(sources.concurrency, 'default');
  });

  it('takes an explicit setting over the environment', () => {
    const { config, sources } = resolveConfig({
      explicit: { redisUrl: 'rediss://secure:6379', concurrency: 8 },
      env: { REDIS_URL: 'redis://cache:6380' },
    });
    assert.equal(config.redisUrl, 'rediss://secure:6379');
    assert.equal(config.concurrency, 8);
    assert.equal(sources.redisUrl, 'setting');
    assert.equal(sources.concurrency, 'setting');
  });

  it('treats an empty environment variable and a null setting as unset', () => {
    const { config, sources } = resolveConfig({ explicit: { model: null }, env: { TAKOSS_MODEL: '', REDIS_URL: '' } });
    assert.equal(config.model, DEFAULT_CONFIG.model);
    assert.equal(sources.model, 'default');
    assert.equal(sources.redisUrl, 'default');
  });

  it('accepts a unix socket URL for Redis and ignores unknown keys', () => {
    const { config } = resolveConfig({ explicit: { redisUrl: 'unix:///tmp/redis.sock', colour: 'blue' }, env: {} });
    assert.equal(config.redisUrl, 'unix:///tmp/redis.sock');
    assert.equal('colour' in config, false);
  });

  it('names the setting, its value and the fix when a setting is invalid', () => {
    assert.throws(
      () => resolveConfig({ explicit: { concurrency: 0 }, env: {} }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.key, 'concurrency');
        assert.equal(error.source, 'setting');
        assert.equal(error.kind, 'usage');
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /setting takoss\.concurrency = "0"/);
        assert.match(error.message, /whole number from 1 to 64/);
        assert.match(error.message, /Settings › Extensions › Takoss/);
        return true;
      },
    );
  });

  it('names the environment variable when the environment is wrong, without its password', () => {
    assert.throws(
      () => resolveConfig({ env: { DATABASE_URL: 'mysql://root:hunter22@db/x' } }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /environment variable DATABASE_URL/);
        assert.match(error.message, /postgresql:\/\//);
        assert.match(error.message, /unset the variable/);
        assert.doesNotMatch(error.message, /hunter22/);
        return true;
      },
    );
  });

  it('names the flag when a CLI flag is wrong', () => {
    assert.throws(
      () => resolveConfig({ explicit: { concurrency: 'many' }, explicitSource: 'flag', env: {} }),
      /flag --concurrency = "many"/,
    );
  });

  it('refuses fractional and out-of-range numbers', () => {
    assert.throws(() => resolveConfig({ explicit: { maxTasks: 2.5 }, env: {} }), /takoss\.maxTasks/);
    assert.throws(() => resolveConfig({ explicit: { contextTtlSeconds: 59 }, env: {} }), /from 60 to 604800/);
    assert.throws(() => resolveConfig({ explicit: { model: '   ' }, env: {} }), /must name a Claude model/);
  });
});
