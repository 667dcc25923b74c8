/**
 * `takoss doctor`: one line per check of what Takoss needs — valid configuration, Redis
 * (reachable, never evicting), PostgreSQL (reachable, migrations in order) and the API key.
 * It only looks; it changes nothing (the backend creates and migrates the database itself).
 */
import { ConfigError, SETTING_KEYS, describeSettingOrigin, resolveConfig, type ResolvedConfig } from '../config';
import { EXIT_CODE, TakossError, errorMessage } from '../errors';
import { classifyConnectionError, createPool, describeDatabase } from '../db/postgres';
import { apiKeyStatus, postgresStatus, redisStatusFromInfo } from '../health';
import { checkRedis } from '../services/redis';

export type CheckName = 'Configuration' | 'Redis' | 'PostgreSQL' | 'Anthropic API key';

export interface DoctorCheck {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface DoctorReport {
  readonly checks: readonly DoctorCheck[];
  readonly exitCode: number;
}

export interface DoctorInput {
  readonly env: NodeJS.ProcessEnv;
  /** @defaultValue 3000 */
  readonly timeoutMs?: number;
}

export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const apiKey = apiKeyStatus(input.env);
  const keyCheck: DoctorCheck = { name: 'Anthropic API key', ok: apiKey.configured, detail: apiKey.detail };
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig({ env: input.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      checks: [{ name: 'Configuration', ok: false, detail: error.message }, keyCheck],
      exitCode: EXIT_CODE.usage,
    };
  }
  const timeoutMs = input.timeoutMs ?? 3000;
  const [redis, postgres] = await Promise.all([
    checkRedisLine(resolved.config.redisUrl, timeoutMs),
    checkPostgresLine(resolved.config.databaseUrl, timeoutMs),
  ]);
  const checks = [
    { name: 'Configuration' as const, ok: true, detail: describeSources(resolved) },
    redis,
    postgres,
    keyCheck,
  ];
  return { checks, exitCode: checks.every((check) => check.ok) ? EXIT_CODE.ok : EXIT_CODE.infrastructure };
}

function describeSources(resolved: ResolvedConfig): string {
  const fromEnv = SETTING_KEYS.filter((key) => resolved.sources[key] === 'env').map((key) =>
    describeSettingOrigin(key, 'env').replace('environment variable ', ''),
  );
  const origin = fromEnv.length > 0 ? `${fromEnv.join(', ')} from the environment, the rest defaults` : 'all defaults';
  return `valid (${origin}); model ${resolved.config.model}, concurrency ${resolved.config.concurrency}`;
}

async function checkRedisLine(url: string, timeoutMs: number): Promise<DoctorCheck> {
  try {
    const status = redisStatusFromInfo(url, await checkRedis(url, { timeoutMs }));
    return { name: 'Redis', ok: true, detail: `${status.target} — ${status.detail}` };
  } catch (error) {
    return { name: 'Redis', ok: false, detail: errorMessage(error) };
  }
}

async function checkPostgresLine(url: string, timeoutMs: number): Promise<DoctorCheck> {
  const pool = createPool(url, { max: 1, connectTimeoutMs: timeoutMs });
  try {
    const status = await postgresStatus(pool, url);
    return { name: 'PostgreSQL', ok: true, detail: `${status.target} — ${status.detail}` };
  } catch (error) {
    const failure = error instanceof TakossError ? error : classifyConnectionError(error, describeDatabase(url));
    return { name: 'PostgreSQL', ok: false, detail: failure.message };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** One line per check; marks are plain characters so logs and pipes stay readable. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  return report.checks
    .map((check) => `${check.ok ? '✓' : '✗'} ${check.name.padEnd(width)}  ${check.detail}`)
    .join('\n');
}
