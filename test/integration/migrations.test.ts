import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { MigrationError, applyMigrations, migrationStatus } from '../../server/src/db/migrations';
import { createPool, ensureDatabase } from '../../server/src/db/postgres';
import { ServiceMisconfiguredError, ServiceUnavailableError } from '../../server/src/errors';
import {
  ADMIN_URL,
  createTestDatabase,
  databaseUrl,
  freshDatabase,
  uniqueName,
  withClient,
  type TestDatabase,
} from '../helpers/database';
import { MIGRATIONS_DIR } from '../helpers/paths';

interface PrismaMigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

async function migrationRows(pool: Pool): Promise<PrismaMigrationRow[]> {
  const result = await pool.query<PrismaMigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
  return result.rows;
}

/** A private copy of prisma/migrations that a test may change. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'takoss-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrations on a real PostgreSQL', () => {
  let database: TestDatabase;
  let pool: Pool;
  const migrationNames = async () =>
    (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);

  beforeEach(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('applies every migration to an empty database and records each as Prisma does', async () => {
    const result = await applyMigrations(pool, MIGRATIONS_DIR);
    const names = await migrationNames();
    assert.deepEqual(result.newlyApplied, names);

    const rows = await migrationRows(pool);
    assert.deepEqual(
      rows.map((row) => row.migration_name),
      names,
    );
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'));
      assert.match(row.id, /^[0-9a-f-]{36}$/);
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
    }
    const tables = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    for (const table of [
      'PromptTemplate',
      'TemplateVersion',
      'TemplateExample',
      'TemplateExecution',
      'TemplateCollection',
    ]) {
      assert.ok(
        tables.rows.some((row) => row.table_name === table),
        `${table} exists`,
      );
    }
  });

  it('changes nothing when started a second time', async () => {
    await applyMigrations(pool, MIGRATIONS_DIR);
    const before = await migrationRows(pool);
    const second = await applyMigrations(pool, MIGRATIONS_DIR);
    assert.deepEqual(second.newlyApplied, []);
    assert.deepEqual(await migrationRows(pool), before);
    assert.deepEqual((await migrationStatus(pool, MIGRATIONS_DIR)).pending, []);
  });

  it('refuses to start after an applied migration was edited, naming it', async () => {
    const dir = await copyOfMigrations();
    try {
      await applyMigrations(pool, dir);
      const [first] = await migrationNames();
      const file = path.join(dir, first!, 'migration.sql');
      await writeFile(
        file,
        `${await readFile(file, 'utf8')}\nALTER TABLE "PromptTemplate" ADD COLUMN "sneaky" TEXT;\n`,
      );
      await assert.rejects(applyMigrations(pool, dir), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.migrationName, first);
        assert.match(error.message, new RegExp(`${first} was edited after it was applied`));
        return true;
      });
      const columns = await pool.query(`SELECT 1 FROM information_schema.columns WHERE column_name = 'sneaky'`);
      assert.equal(columns.rowCount, 0, 'the edit was not applied');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start after a migration that never finished, naming it', async () => {
    await applyMigrations(pool, MIGRATIONS_DIR);
    const [first] = await migrationNames();
    await pool.query(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`, [first]);
    await assert.rejects(applyMigrations(pool, MIGRATIONS_DIR), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.equal(error.migrationName, first);
      assert.match(error.message, /never finished/);
      return true;
    });
  });

  it('rolls a failing migration back completely, records nothing, and names it', async () => {
    const dir = await copyOfMigrations();
    try {
      const broken = '29990101000000_broken';
      await mkdir(path.join(dir, broken));
      await writeFile(
        path.join(dir, broken, 'migration.sql'),
        'CREATE TABLE "HalfDone" ("id" INTEGER);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;\n',
      );
      await assert.rejects(applyMigrations(pool, dir), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.migrationName, broken);
        assert.match(
          error.message,
          /29990101000000_broken failed and was rolled back: relation "NoSuchTable" does not exist/,
        );
        return true;
      });
      const halfDone = await pool.query(`SELECT to_regclass('"HalfDone"') AS present`);
      assert.equal(halfDone.rows[0].present, null);
      const rows = await migrationRows(pool);
      assert.ok(!rows.some((row) => row.migration_name === broken), 'no record of the failed migration');
      assert.deepEqual(
        rows.map((row) => row.migration_name),
        await migrationNames(),
        'the good migrations before it stay applied',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applies each migration once when several backends start at the same moment', async () => {
    const pools = [createPool(database.url), createPool(database.url), createPool(database.url)];
    try {
      const results = await Promise.all(pools.map((each) => applyMigrations(each, MIGRATIONS_DIR)));
      const applied = results.flatMap((result) => result.newlyApplied);
      assert.deepEqual(applied.sort(), (await migrationNames()).sort());
      assert.equal((await migrationRows(pool)).length, (await migrationNames()).length);
    } finally {
      await Promise.all(pools.map((each) => each.end()));
    }
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database, and the second time finds it', async () => {
    const database = freshDatabase();
    try {
      assert.deepEqual(await ensureDatabase(database.url), { created: true });
      assert.deepEqual(await ensureDatabase(database.url), { created: false });
    } finally {
      await database.drop();
    }
  });

  it('explains what to do when the role may not create the database', async () => {
    const role = uniqueName('takoss_limited');
    await withClient(ADMIN_URL, (client) =>
      client.query(`CREATE ROLE ${client.escapeIdentifier(role)} LOGIN PASSWORD 'limited' NOCREATEDB`),
    );
    try {
      const url = new URL(databaseUrl(uniqueName('takoss_test')));
      url.username = role;
      url.password = 'limited';
      await assert.rejects(ensureDatabase(url.toString()), (error: unknown) => {
        assert.ok(error instanceof ServiceMisconfiguredError);
        assert.match(error.message, new RegExp(`role "${role}" may not create it`));
        assert.match(error.message, /createdb -O/);
        assert.doesNotMatch(error.message, /limited@/, 'the password is masked');
        return true;
      });
    } finally {
      await withClient(ADMIN_URL, (client) => client.query(`DROP ROLE ${client.escapeIdentifier(role)}`));
    }
  });

  it('names PostgreSQL, the URL without its password, and how to start it when nothing answers', async () => {
    await assert.rejects(ensureDatabase('postgresql://takoss:takoss@127.0.0.1:1/takoss', 2000), (error: unknown) => {
      assert.ok(error instanceof ServiceUnavailableError);
      assert.match(
        error.message,
        /^PostgreSQL unavailable at postgresql:\/\/takoss:\*\*\*@127\.0\.0\.1:1\/takoss — start it with docker compose up -d/,
      );
      return true;
    });
  });
});
