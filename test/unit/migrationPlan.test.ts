import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  MigrationError,
  checksumOf,
  matchesChecksum,
  planMigrations,
  type MigrationFile,
  type MigrationRecord,
} from '../../server/src/db/migrations';

const files: MigrationFile[] = [
  { name: '20260101000000_init', sql: 'CREATE TABLE a (id int);\n' },
  { name: '20260201000000_more', sql: 'CREATE TABLE b (id int);\n' },
];

function applied(file: MigrationFile, overrides: Partial<MigrationRecord> = {}): MigrationRecord {
  return {
    migrationName: file.name,
    checksum: checksumOf(file.sql),
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:00:01Z'),
    rolledBackAt: null,
    ...overrides,
  };
}

describe('migration planning', () => {
  it('computes Prisma’s checksum: SHA-256 of the script in 64 hex digits', () => {
    const sql = 'SELECT 1;\n';
    assert.equal(checksumOf(sql), createHash('sha256').update(sql).digest('hex'));
    assert.match(checksumOf(sql), /^[0-9a-f]{64}$/);
  });

  it('accepts a script whose line endings git converted, like Prisma', () => {
    const unix = 'CREATE TABLE a (id int);\nSELECT 1;\n';
    const windows = unix.replace(/\n/g, '\r\n');
    assert.ok(matchesChecksum(windows, checksumOf(unix)));
    assert.ok(matchesChecksum(unix, checksumOf(windows)));
    assert.ok(!matchesChecksum('SELECT 2;\n', checksumOf(unix)));
  });

  it('plans everything on an empty database, in name order', () => {
    const plan = planMigrations(files, []);
    assert.deepEqual(
      plan.pending.map((file) => file.name),
      files.map((file) => file.name),
    );
    assert.deepEqual(plan.applied, []);
  });

  it('plans nothing when every migration is applied', () => {
    const plan = planMigrations(
      files,
      files.map((file) => applied(file)),
    );
    assert.deepEqual(plan.pending, []);
    assert.deepEqual(
      plan.applied,
      files.map((file) => file.name),
    );
  });

  it('plans only the new migration after an upgrade', () => {
    const plan = planMigrations(files, [applied(files[0]!)]);
    assert.deepEqual(
      plan.pending.map((file) => file.name),
      ['20260201000000_more'],
    );
  });

  it('refuses a migration edited after it was applied, naming it and the fix', () => {
    const edited = [files[0]!, { ...files[1]!, sql: 'CREATE TABLE b (id bigint);\n' }];
    assert.throws(
      () =>
        planMigrations(
          edited,
          files.map((file) => applied(file)),
        ),
      (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.migrationName, '20260201000000_more');
        assert.match(error.message, /20260201000000_more was edited after it was applied/);
        assert.match(error.message, /new migration/);
        assert.equal(error.exitCode, 3);
        return true;
      },
    );
  });

  it('refuses to go on after a migration that never finished, naming it and how to resolve it', () => {
    const records = [applied(files[0]!), applied(files[1]!, { finishedAt: null })];
    assert.throws(
      () => planMigrations(files, records),
      (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.migrationName, '20260201000000_more');
        assert.match(error.message, /prisma migrate resolve --rolled-back 20260201000000_more/);
        return true;
      },
    );
  });

  it('applies again a migration whose failed attempt was marked rolled back', () => {
    const records = [applied(files[0]!), applied(files[1]!, { finishedAt: null, rolledBackAt: new Date() })];
    const plan = planMigrations(files, records);
    assert.deepEqual(
      plan.pending.map((file) => file.name),
      ['20260201000000_more'],
    );
  });

  it('reports applied migrations this version does not know', () => {
    const future = { name: '20270101000000_future', sql: 'SELECT 1;' };
    const plan = planMigrations(
      files,
      [...files, future].map((file) => applied(file)),
    );
    assert.deepEqual(plan.unknown, ['20270101000000_future']);
    assert.deepEqual(plan.pending, []);
  });
});
