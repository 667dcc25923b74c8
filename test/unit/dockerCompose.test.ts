/**
 * Docker has no engine on the CI machines, so docker-compose.yml cannot be started there;
 * this reads it instead and checks what Takoss relies on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { REPO_ROOT } from '../helpers/paths';

interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports: string[];
  volumes: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

function namedVolumes(service: Service): string[] {
  return service.volumes
    .map((volume) => volume.split(':')[0]!)
    .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
}

describe('docker-compose.yml', () => {
  it('runs Redis 7 with AOF, noeviction, a named volume and a healthcheck, on 127.0.0.1:6379 only', () => {
    const redis = compose.services.redis!;
    assert.match(redis.image, /^redis:7(\b|-)/);
    const command = redis.command!.join(' ');
    assert.match(command, /--appendonly yes/);
    assert.match(command, /--maxmemory-policy noeviction/);
    assert.deepEqual(redis.ports, ['127.0.0.1:6379:6379']);
    assert.equal(namedVolumes(redis).length, 1);
    assert.ok(namedVolumes(redis).every((name) => name in compose.volumes));
    assert.ok(redis.healthcheck?.test.join(' ').includes('redis-cli ping'));
    assert.equal(new URL(DEFAULT_CONFIG.redisUrl).port, '6379');
  });

  it('runs PostgreSQL 16 with the role and database of the default DATABASE_URL, on 127.0.0.1:5432 only', () => {
    const postgres = compose.services.postgres!;
    assert.match(postgres.image, /^postgres:16(\b|-)/);
    const url = new URL(DEFAULT_CONFIG.databaseUrl);
    assert.equal(postgres.environment?.POSTGRES_USER, url.username);
    assert.equal(postgres.environment?.POSTGRES_PASSWORD, url.password);
    assert.equal(postgres.environment?.POSTGRES_DB, url.pathname.slice(1));
    assert.deepEqual(postgres.ports, [`127.0.0.1:${url.port}:5432`]);
    assert.equal(namedVolumes(postgres).length, 1);
    assert.ok(namedVolumes(postgres).every((name) => name in compose.volumes));
    assert.ok(postgres.healthcheck?.test.join(' ').includes('pg_isready'));
  });
});
