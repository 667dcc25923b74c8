/**
 * Redis connections and the checks every Takoss process makes before trusting a Redis:
 * it must answer, and it must never evict keys (BullMQ loses jobs under any other policy).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ServiceMisconfiguredError, ServiceUnavailableError, errorMessage } from '../errors';
import { redactUrl } from '../redact';

export interface RedisServerInfo {
  readonly version: string;
  readonly maxmemoryPolicy: string;
}

/** Options for a client that fails fast instead of queueing commands while offline. */
const FAIL_FAST: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };

/**
 * Creates a client for `url`: `redis://`, `rediss://`, or `unix:///path/to.sock[?db=N]`.
 * The client starts disconnected (`lazyConnect`), so the caller decides when to connect and
 * attaches its error handling first.
 */
export function createRedisClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis({ lazyConnect: true, ...FAIL_FAST, ...redisOptionsFromUrl(url), ...options });
}

/** Connection options (host/port or socket path, credentials, db, TLS) from a Redis URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  if (parsed.protocol === 'unix:') {
    return { path: decodeURIComponent(parsed.pathname), db: Number(parsed.searchParams.get('db') ?? 0) };
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.replace(/^\//, '') || 0),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Reads the server version and eviction policy from `INFO` (works where `CONFIG` is disabled). */
export async function readServerInfo(client: Redis): Promise<RedisServerInfo> {
  const info = await client.info();
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  return { version: field('redis_version') ?? 'unknown', maxmemoryPolicy: field('maxmemory_policy') ?? 'unknown' };
}

/** Throws unless the server keeps every key until it is deleted or expires. */
export function assertNoEviction(info: RedisServerInfo, target: string): void {
  if (info.maxmemoryPolicy !== 'noeviction') {
    throw new ServiceMisconfiguredError(
      'Redis',
      target,
      `uses maxmemory-policy ${info.maxmemoryPolicy}, which can silently drop queued jobs`,
      'run `redis-cli -u <url> CONFIG SET maxmemory-policy noeviction` and set it in redis.conf ' +
        '(docker-compose.yml does), or point takoss.redisUrl / REDIS_URL at another Redis',
    );
  }
}

export interface CheckRedisOptions {
  /** @defaultValue 3000 */
  readonly timeoutMs?: number;
}

/** Connects once, without retrying, and verifies the eviction policy. */
export async function checkRedis(url: string, options: CheckRedisOptions = {}): Promise<RedisServerInfo> {
  const target = redactUrl(url);
  const client = createRedisClient(url, {
    connectTimeout: options.timeoutMs ?? 3000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new ServiceUnavailableError('Redis', target, errorMessage(lastError ?? error), { cause: error });
    }
    const info = await readServerInfo(client);
    assertNoEviction(info, target);
    return info;
  } finally {
    closeRedisClient(client);
  }
}

/**
 * Closes a client now. Skips a client that already ended: ioredis would arm a 2 s
 * force-close timer on its dead socket that nothing clears, keeping the process alive.
 */
export function closeRedisClient(client: Redis): void {
  if (client.status !== 'end') client.disconnect();
}
