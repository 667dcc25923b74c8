/**
 * Throw-away PostgreSQL databases on the real server, one per test file or test, so tests
 * never share state. They are created through the `takoss` role (CREATEDB, as
 * scripts/ensure-services.sh and docker-compose.yml set it up) and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config';

/** The server the tests use; override with TAKOSS_TEST_DATABASE_URL. */
export const TEST_SERVER_URL = process.env.TAKOSS_TEST_DATABASE_URL ?? DEFAULT_CONFIG.databaseUrl;

/**
 * A superuser on the same server, for what the takoss role may not do (create other roles).
 * @defaultValue `postgresql://postgres@127.0.0.1:5432/postgres` (trust auth on CI machines)
 */
export const ADMIN_URL = process.env.TAKOSS_TEST_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(database: string, base: string = TEST_SERVER_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A name for a database that does not exist yet (for tests of creating it). */
export function freshDatabase(prefix = 'takoss_test'): TestDatabase {
  const name = uniqueName(prefix);
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      withClient(databaseUrl('postgres'), async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

/** An empty database that exists. */
export async function createTestDatabase(prefix = 'takoss_test'): Promise<TestDatabase> {
  const database = freshDatabase(prefix);
  await withClient(databaseUrl('postgres'), (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(database.name)}`),
  );
  return database;
}
