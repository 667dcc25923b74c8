/**
 * Riding out a Redis that goes away mid-chain (restarted, failed over, a dropped connection).
 * Workers do this by themselves (BullMQ retries forever); a chain's driver issues ordinary
 * commands that give up after a few retries, so it waits here for Redis to answer again —
 * for a bounded time, after which the chain is left to `takoss resume`.
 */
import type { Redis } from 'ioredis';
import { ServiceUnavailableError, errorMessage } from '../errors';
import type { Logger } from '../logger';

/** How long a driver waits for Redis to come back before it gives up on following the chain. */
export const DEFAULT_REDIS_OUTAGE_TOLERANCE_MS = 120_000;

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EHOSTUNREACH']);

/** ioredis's messages for a command that was never answered because the connection was down. */
const UNAVAILABLE_MESSAGE =
  /max retries per request limit|Connection is closed|Stream isn't writeable|LOADING Redis is loading|connect ECONNREFUSED/i;

/** Whether `error` means "Redis cannot be reached right now" rather than a failed command. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

export interface OutageOptions {
  readonly logger: Logger;
  /** Redacted, for messages. */
  readonly target: string;
  /** @defaultValue DEFAULT_REDIS_OUTAGE_TOLERANCE_MS */
  readonly toleranceMs?: number;
  /** Ends the wait early (the driver was stopped). */
  readonly stopped?: () => boolean;
}

/**
 * Waits until `client` answers PING again, polling with a growing pause. Throws a
 * ServiceUnavailableError naming Redis once `toleranceMs` have passed without an answer.
 */
export async function waitForRedis(client: Redis, cause: unknown, options: OutageOptions): Promise<void> {
  const deadline = Date.now() + (options.toleranceMs ?? DEFAULT_REDIS_OUTAGE_TOLERANCE_MS);
  options.logger.warn(`Redis unavailable at ${options.target} (${errorMessage(cause)}); waiting for it to return.`);
  for (let pauseMs = 100; !options.stopped?.(); pauseMs = Math.min(pauseMs * 2, 2000)) {
    try {
      await client.ping();
      options.logger.info(`Redis at ${options.target} answers again; catching up with the chain.`);
      return;
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableError('Redis', options.target, errorMessage(error), { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Where a client connects, for messages (never its password). */
export function describeRedisClient(client: Redis): string {
  const { path, host, port } = client.options;
  return path ? `unix://${path}` : `redis://${host ?? '127.0.0.1'}:${port ?? 6379}`;
}
