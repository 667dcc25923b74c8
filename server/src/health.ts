/**
 * The checks behind `takoss doctor` and the backend's health report: each service is
 * checked the same way in both, so the status bar and the CLI never disagree.
 */
import type { Pool } from 'pg';
import { ServiceUnavailableError, TakossError, errorMessage } from './errors';
import type { ServiceStatus } from './protocol';
import { migrationStatus, type MigrationPlan } from './db/migrations';
import { describeDatabase } from './db/postgres';
import { redactUrl } from './redact';
import type { RedisServerInfo } from './services/redis';

export function redisStatusFromInfo(url: string, info: RedisServerInfo): ServiceStatus {
  return {
    state: 'ok',
    target: redactUrl(url),
    detail: `Redis ${info.version}, maxmemory-policy ${info.maxmemoryPolicy}`,
  };
}

/** The status for a failed check: misconfigured when the service answered, else unavailable. */
export function statusFromError(url: string, error: unknown): ServiceStatus {
  // Our own errors other than "unavailable" mean the service answered but cannot be used.
  const misconfigured = error instanceof TakossError && !(error instanceof ServiceUnavailableError);
  return {
    state: misconfigured ? 'misconfigured' : 'unavailable',
    target: redactUrl(url),
    detail: errorMessage(error),
  };
}

export function describeMigrations(plan: MigrationPlan): string {
  const parts = [`${plan.applied.length} applied`];
  if (plan.pending.length > 0) parts.push(`${plan.pending.length} pending (applied when the backend starts)`);
  if (plan.unknown.length > 0)
    parts.push(`${plan.unknown.length} unknown to this Takoss (${plan.unknown.join(', ')}): upgrade Takoss`);
  return `migrations ${parts.join(', ')}`;
}

/**
 * Server version and migration state of a reachable database. Pass the plan when it is
 * known (the backend, after migrating); otherwise it is read from the database.
 */
export async function postgresStatus(pool: Pool, url: string, plan?: MigrationPlan): Promise<ServiceStatus> {
  const version = await pool.query<{ server_version: string }>('SHOW server_version');
  const migrations = plan ?? (await migrationStatus(pool));
  return {
    state: 'ok',
    target: describeDatabase(url).display,
    detail: `PostgreSQL ${version.rows[0]?.server_version ?? 'unknown'}, ${describeMigrations(migrations)}`,
  };
}

export interface ApiKeyStatus {
  readonly configured: boolean;
  readonly detail: string;
}

/** Never reveals any part of the key, only whether it is there and where requests go. */
export function apiKeyStatus(env: NodeJS.ProcessEnv): ApiKeyStatus {
  const key = env.ANTHROPIC_API_KEY?.trim();
  const baseUrl = env.ANTHROPIC_BASE_URL?.trim();
  const destination = baseUrl ? ` (requests go to ${redactUrl(baseUrl)} from ANTHROPIC_BASE_URL)` : '';
  if (!key) {
    return {
      configured: false,
      detail: 'not set — set ANTHROPIC_API_KEY, or run "Takoss: Set Anthropic API Key" in VS Code',
    };
  }
  if (/\s/.test(key)) {
    return {
      configured: false,
      detail: 'ANTHROPIC_API_KEY contains whitespace — paste the key again without spaces or line breaks',
    };
  }
  return { configured: true, detail: `set in ANTHROPIC_API_KEY${destination}` };
}
