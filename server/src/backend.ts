/**
 * The long-lived backend: owns the Redis client and the PostgreSQL pool, prepares the
 * database (create if missing, migrate) and keeps a health report current. It starts even
 * when a service is down, reports which one and how to fix it, and recovers by itself when
 * the service comes back, so the extension never has to restart it for that.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { ConfigError, resolveConfig, type TakossConfig } from './config';
import { ServiceUnavailableError, TakossError, errorMessage } from './errors';
import type { MigrationPlan } from './db/migrations';
import { prepareDatabase } from './db/prepare';
import { classifyConnectionError, createPool, describeDatabase } from './db/postgres';
import { apiKeyStatus, postgresStatus, redisStatusFromInfo, statusFromError } from './health';
import type { Logger } from './logger';
import type { BackendPhase, HealthReport, ServiceStatus } from './protocol';
import { redactUrl } from './redact';
import { assertNoEviction, closeRedisClient, createRedisClient, readServerInfo } from './services/redis';
import { VERSION } from './version';

export interface BackendOptions {
  /** Settings the user set explicitly (the extension's `initializationOptions.settings`). */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** @defaultValue prisma/migrations next to the bundle */
  readonly migrationsDir?: string;
  /** First delay between checks while a service is down; doubles each time. @defaultValue 1000 */
  readonly retryInitialMs?: number;
  /** Longest delay between checks while a service is down. @defaultValue 15000 */
  readonly retryMaxMs?: number;
  /** Delay between liveness checks once every service is up. @defaultValue 30000 */
  readonly livenessIntervalMs?: number;
}

const HEALTH_CHANGED = 'health';
const REDIS_CONNECT_TIMEOUT_MS = 3000;

/** Waits until a connection attempt in progress has succeeded or failed. */
async function settleConnectionAttempt(client: Redis): Promise<void> {
  if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done).off('error', done).off('close', done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_CONNECT_TIMEOUT_MS + 500);
    client.once('ready', done).once('error', done).once('close', done);
  });
}

export class Backend {
  private readonly events = new EventEmitter();
  private readonly config: TakossConfig | undefined;
  private report: HealthReport;
  private redis: Redis | undefined;
  private pool: Pool | undefined;
  /** Set once the database is created and migrated; later checks only ask if it answers. */
  private migrations: MigrationPlan | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private inFlight: Promise<void> | undefined;
  private recheckRequested = false;
  private lastRedisError = 'not connected yet';
  private disposed = false;

  constructor(private readonly options: BackendOptions) {
    this.retryDelayMs = options.retryInitialMs ?? 1000;
    const pending = (target: string): ServiceStatus => ({ state: 'pending', target, detail: 'checking…' });
    let configError: string | undefined;
    try {
      this.config = resolveConfig({ explicit: options.settings, explicitSource: 'setting', env: options.env }).config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      configError = error.message;
    }
    this.report = {
      phase: configError ? 'degraded' : 'starting',
      version: VERSION,
      redis: pending(this.config ? redactUrl(this.config.redisUrl) : '—'),
      postgres: pending(this.config ? describeDatabase(this.config.databaseUrl).display : '—'),
      apiKey: apiKeyStatus(options.env),
      ...(configError ? { configError } : {}),
    };
  }

  get health(): HealthReport {
    return this.report;
  }

  onDidChangeHealth(listener: (report: HealthReport) => void): () => void {
    this.events.on(HEALTH_CHANGED, listener);
    return () => this.events.off(HEALTH_CHANGED, listener);
  }

  /** Connects to the services in the background; progress arrives as health changes. */
  start(): void {
    if (!this.config || this.redis || this.disposed) return;
    this.redis = createRedisClient(this.config.redisUrl, {
      lazyConnect: false,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    });
    this.redis.on('error', (error: unknown) => {
      this.lastRedisError = errorMessage(error);
    });
    // React at once to Redis coming and going instead of waiting for the next timer.
    this.redis.on('ready', () => this.requestCheck());
    this.redis.on('close', () => this.requestCheck());
    this.pool = createPool(this.config.databaseUrl);
    this.requestCheck();
  }

  /** Resolves with the first report that is no longer `starting`. */
  whenSettled(): Promise<HealthReport> {
    if (this.report.phase !== 'starting') return Promise.resolve(this.report);
    return new Promise((resolve) => {
      const stop = this.onDidChangeHealth((report) => {
        if (report.phase === 'starting') return;
        stop();
        resolve(report);
      });
    });
  }

  /** Runs a check now (or right after the one in flight). */
  requestCheck(): void {
    const config = this.config;
    if (this.disposed || !config) return;
    if (this.inFlight) {
      this.recheckRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.inFlight = this.check(config).finally(() => {
      this.inFlight = undefined;
      if (this.recheckRequested) {
        this.recheckRequested = false;
        this.requestCheck();
      }
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    await this.inFlight?.catch(() => undefined);
    if (this.redis) closeRedisClient(this.redis);
    await this.pool?.end().catch(() => undefined);
    this.events.removeAllListeners();
  }

  private async check(config: TakossConfig): Promise<void> {
    const [redis, postgres] = await Promise.all([this.checkRedis(config), this.checkPostgres(config)]);
    if (this.disposed) return;
    const phase: BackendPhase = redis.state === 'ok' && postgres.state === 'ok' ? 'ready' : 'degraded';
    this.update({ ...this.report, phase, redis, postgres });
    this.scheduleNext(phase);
  }

  private async checkRedis(config: TakossConfig): Promise<ServiceStatus> {
    const target = redactUrl(config.redisUrl);
    const client = this.redis;
    try {
      if (client) await settleConnectionAttempt(client);
      if (!client || client.status !== 'ready') {
        throw new ServiceUnavailableError('Redis', target, this.lastRedisError);
      }
      const info = await readServerInfo(client);
      assertNoEviction(info, target);
      return redisStatusFromInfo(config.redisUrl, info);
    } catch (error) {
      const failure =
        error instanceof TakossError ? error : new ServiceUnavailableError('Redis', target, errorMessage(error));
      return statusFromError(config.redisUrl, failure);
    }
  }

  private async checkPostgres(config: TakossConfig): Promise<ServiceStatus> {
    const pool = this.pool;
    if (!pool) return statusFromError(config.databaseUrl, new Error('not started'));
    try {
      this.migrations ??= (
        await prepareDatabase(config.databaseUrl, pool, {
          logger: this.options.logger,
          ...(this.options.migrationsDir ? { migrationsDir: this.options.migrationsDir } : {}),
        })
      ).migrations;
      return await postgresStatus(pool, config.databaseUrl, this.migrations);
    } catch (error) {
      const failure =
        error instanceof TakossError ? error : classifyConnectionError(error, describeDatabase(config.databaseUrl));
      return statusFromError(config.databaseUrl, failure);
    }
  }

  private update(next: HealthReport): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.report);
    this.report = next;
    if (!changed) return;
    const problems = [next.redis, next.postgres].filter((status) => status.state !== 'ok');
    if (problems.length === 0)
      this.options.logger.info(`Backend ready: ${next.redis.detail}; ${next.postgres.detail}.`);
    for (const status of problems) this.options.logger.warn(status.detail);
    this.events.emit(HEALTH_CHANGED, next);
  }

  private scheduleNext(phase: BackendPhase): void {
    let delay: number;
    if (phase === 'ready') {
      this.retryDelayMs = this.options.retryInitialMs ?? 1000;
      delay = this.options.livenessIntervalMs ?? 30_000;
    } else {
      delay = this.retryDelayMs;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.options.retryMaxMs ?? 15_000);
    }
    this.timer = setTimeout(() => this.requestCheck(), delay);
    this.timer.unref();
  }
}
