/**
 * PostgreSQL connections: turning driver errors into messages a user can act on, and
 * creating the Takoss database on first start when the role is allowed to.
 */
import { Client, Pool, type ClientConfig, type PoolConfig } from 'pg';
import { ServiceMisconfiguredError, ServiceUnavailableError, errorMessage, type TakossError } from '../errors';
import { redactUrl } from '../redact';

/** SQLSTATE codes we react to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const SQLSTATE = {
  invalidCatalogName: '3D000',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  insufficientPrivilege: '42501',
  duplicateDatabase: '42P04',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
} as const;

/** @defaultValue 5000 */
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export interface DatabaseTarget {
  readonly url: string;
  readonly display: string;
  readonly database: string;
  readonly user: string;
}

export function describeDatabase(url: string): DatabaseTarget {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  return { url, display: redactUrl(url), database, user };
}

/** Maps a connection-time driver error to the message the user sees. */
export function classifyConnectionError(error: unknown, target: DatabaseTarget): TakossError {
  const code = sqlState(error);
  const reason = errorMessage(error);
  switch (code) {
    case SQLSTATE.invalidPassword:
    case SQLSTATE.invalidAuthorization:
      return new ServiceMisconfiguredError(
        'PostgreSQL',
        target.display,
        `refused the login of role "${target.user}" (${reason})`,
        'create the role (docker compose up -d creates takoss/takoss) or fix takoss.databaseUrl / DATABASE_URL',
        { cause: error },
      );
    case SQLSTATE.invalidCatalogName:
      return new ServiceMisconfiguredError(
        'PostgreSQL',
        target.display,
        `has no database "${target.database}"`,
        `create it with \`createdb -O ${target.user} ${target.database}\` or let Takoss create it by granting CREATEDB to "${target.user}"`,
        { cause: error },
      );
    default:
      return new ServiceUnavailableError('PostgreSQL', target.display, reason, { cause: error });
  }
}

function clientConfig(url: string, timeoutMs: number): ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'takoss' };
}

async function connectOnce(url: string, timeoutMs: number): Promise<Client> {
  const client = new Client(clientConfig(url, timeoutMs));
  // A connection that drops later emits 'error'; without a listener Node would crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

export interface EnsureDatabaseResult {
  readonly created: boolean;
}

/**
 * Makes sure the database in `url` exists, creating it through the server's maintenance
 * database when it is missing and the role may. Throws a `TakossError` naming the fix otherwise.
 */
export async function ensureDatabase(
  url: string,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<EnsureDatabaseResult> {
  const target = describeDatabase(url);
  try {
    const client = await connectOnce(url, timeoutMs);
    await client.end();
    return { created: false };
  } catch (error) {
    if (sqlState(error) !== SQLSTATE.invalidCatalogName) throw classifyConnectionError(error, target);
  }

  const maintenance = await connectToMaintenanceDatabase(url, timeoutMs, target);
  try {
    await maintenance.query(`CREATE DATABASE ${maintenance.escapeIdentifier(target.database)}`);
    return { created: true };
  } catch (error) {
    // Another Takoss process created it first: that is what we wanted.
    if (sqlState(error) === SQLSTATE.duplicateDatabase) return { created: false };
    if (sqlState(error) === SQLSTATE.insufficientPrivilege) {
      throw new ServiceMisconfiguredError(
        'PostgreSQL',
        target.display,
        `has no database "${target.database}" and role "${target.user}" may not create it`,
        `create it as a superuser: \`createdb -O ${target.user} ${target.database}\``,
        { cause: error },
      );
    }
    throw classifyConnectionError(error, target);
  } finally {
    await maintenance.end().catch(() => undefined);
  }
}

async function connectToMaintenanceDatabase(url: string, timeoutMs: number, target: DatabaseTarget): Promise<Client> {
  let lastError: unknown;
  for (const database of ['postgres', 'template1']) {
    const maintenanceUrl = new URL(url);
    maintenanceUrl.pathname = `/${database}`;
    try {
      return await connectOnce(maintenanceUrl.toString(), timeoutMs);
    } catch (error) {
      lastError = error;
      if (sqlState(error) !== SQLSTATE.invalidCatalogName) break;
    }
  }
  throw new ServiceMisconfiguredError(
    'PostgreSQL',
    target.display,
    `has no database "${target.database}" and Takoss could not reach a maintenance database to create it (${errorMessage(lastError)})`,
    `create it with \`createdb -O ${target.user} ${target.database}\``,
    { cause: lastError },
  );
}

export interface PoolOptions {
  /** @defaultValue 10 */
  readonly max?: number;
  /** @defaultValue 5000 */
  readonly connectTimeoutMs?: number;
}

/** A pool for the backend's own queries; idle-client errors are absorbed, not fatal. */
export function createPool(url: string, options: PoolOptions = {}): Pool {
  const config: PoolConfig = {
    ...clientConfig(url, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    max: options.max ?? 10,
  };
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  return pool;
}
