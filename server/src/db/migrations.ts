/**
 * Applies the SQL migrations in prisma/migrations/ at start-up and records them in
 * `_prisma_migrations` exactly as Prisma's schema engine does (same table, same checksum,
 * same advisory lock), so `prisma migrate deploy` on another machine agrees with us and the
 * two never run at the same time. Users never run the Prisma CLI themselves.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { TakossError, errorMessage } from '../errors';

/** Prisma's advisory lock key for migrations (schema-engine, sql-migration-connector). */
const PRISMA_MIGRATION_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
}

export interface MigrationRecord {
  readonly migrationName: string;
  readonly checksum: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
}

export interface MigrationPlan {
  /** Migrations recorded as applied whose files match. */
  readonly applied: readonly string[];
  /** Migrations to apply, in order. */
  readonly pending: readonly MigrationFile[];
  /** Applied migrations with no file here: the database is newer than this Takoss. */
  readonly unknown: readonly string[];
}

export class MigrationError extends TakossError {
  constructor(
    readonly migrationName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('infrastructure', message, options);
    this.name = 'MigrationError';
  }
}

/** Prisma's checksum: SHA-256 of the script, as 64 lowercase hex digits. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Like Prisma, accept the script with either line ending, since git may convert them. */
export function matchesChecksum(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, '\n'), sql.replace(/\r?\n/g, '\r\n')];
  return variants.some((variant) => checksumOf(variant) === checksum);
}

/** Finds prisma/migrations next to the bundle (dist/) or the sources (server/src/db/). */
export function defaultMigrationsDir(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(path.join(candidate, 'migration_lock.toml'))) return candidate;
    if (path.dirname(dir) === dir) {
      throw new TakossError(
        'infrastructure',
        `Cannot find prisma/migrations above ${startDir}; the installation is incomplete — reinstall Takoss.`,
      );
    }
  }
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, sorted by name as Prisma does. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') })),
  );
}

/** Decides what to apply; throws on a failed or edited migration, naming it. */
export function planMigrations(files: readonly MigrationFile[], records: readonly MigrationRecord[]): MigrationPlan {
  const live = records.filter((record) => record.rolledBackAt === null);
  const failed = live.find((record) => record.finishedAt === null);
  if (failed) {
    throw new MigrationError(
      failed.migrationName,
      `Migration ${failed.migrationName} started at ${failed.startedAt.toISOString()} and never finished, so the ` +
        `database may be half-migrated. Repair the database by hand, then mark it rolled back with ` +
        `\`npx prisma migrate resolve --rolled-back ${failed.migrationName}\` and restart Takoss.`,
    );
  }
  const appliedByName = new Map(live.map((record) => [record.migrationName, record]));
  const fileNames = new Set(files.map((file) => file.name));
  const applied: string[] = [];
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const record = appliedByName.get(file.name);
    if (!record) {
      pending.push(file);
    } else if (!matchesChecksum(file.sql, record.checksum)) {
      throw new MigrationError(
        file.name,
        `Migration ${file.name} was edited after it was applied (its checksum no longer matches). ` +
          `Restore prisma/migrations/${file.name}/migration.sql and put the change in a new migration.`,
      );
    } else {
      applied.push(file.name);
    }
  }
  const unknown = [...appliedByName.keys()].filter((name) => !fileNames.has(name)).sort();
  return { applied, pending, unknown };
}

async function readRecords(client: PoolClient | Pool): Promise<MigrationRecord[]> {
  const exists = await client.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return [];
  const result = await client.query<{
    migration_name: string;
    checksum: string;
    started_at: Date;
    finished_at: Date | null;
    rolled_back_at: Date | null;
  }>(
    `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at
       FROM "_prisma_migrations" ORDER BY started_at`,
  );
  return result.rows.map((row) => ({
    migrationName: row.migration_name,
    checksum: row.checksum,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rolledBackAt: row.rolled_back_at,
  }));
}

/** What would be applied, without applying anything (for `takoss doctor`). */
export async function migrationStatus(pool: Pool, dir: string = defaultMigrationsDir()): Promise<MigrationPlan> {
  return planMigrations(await readMigrationFiles(dir), await readRecords(pool));
}

export interface ApplyResult extends MigrationPlan {
  /** Names applied by this call. */
  readonly newlyApplied: readonly string[];
}

/**
 * Applies pending migrations, each in its own transaction together with its record, under
 * Prisma's advisory lock so concurrent start-ups (and `prisma migrate deploy`) take turns.
 */
export async function applyMigrations(pool: Pool, dir: string = defaultMigrationsDir()): Promise<ApplyResult> {
  const files = await readMigrationFiles(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const plan = planMigrations(files, await readRecords(client));
      const newlyApplied: string[] = [];
      for (const migration of plan.pending) {
        await applyOne(client, migration);
        newlyApplied.push(migration.name);
      }
      return { ...plan, applied: [...plan.applied, ...newlyApplied], pending: [], newlyApplied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyOne(client: PoolClient, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      [id, checksumOf(migration.sql), migration.name],
    );
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
      id,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      migration.name,
      `Migration ${migration.name} failed and was rolled back: ${errorMessage(error)}. ` +
        `Nothing was changed; fix the database or the migration and restart Takoss.`,
      { cause: error },
    );
  }
}
