/**
 * Riding out a Redis that goes away mid-chain (restarted, failed over, a dropped connection).
 * Workers do this by themselves (BullMQ retries forever); a chain's driver issues ordinary
 * commands that give up after a few retries, so it waits here for Redis to answer again —
 * for a bounded time, after which the chain is left to `takoss resume`.
 */
import type { Redis } from 'ioredis';
import { ServiceUnavailableError, errorMessage } from '../errors';
import { settlesWithin } from './deadline';
import type { Logger } from '../logger';

/** How long a driver waits for Redis to come back before it gives up on following the chain. */
export const DEFAULT_REDIS_OUTAGE_TOLERANCE_MS = 120_000;

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EHOSTUNREACH']);

/** ioredis's messages for a command that was never answered because the connection was down. */
const UNAVAILABLE_MESSAGE =
  /max retries per request limit|Connection is closed|Command aborted due to connection close|Stream isn't writeable|LOADING Redis is loading|connect ECONNREFUSED/i;

/** How long one PING may take before the wait counts it as unanswered (a silent network split). */
const PING_TIMEOUT_MS = 5000;

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
  /** When to give up (epoch ms): the outage began `toleranceMs` before it. */
  readonly deadline: number;
  /** Whether this is the start of the outage (it is announced once). */
  readonly announce: boolean;
  /** Ends the wait early (the driver was stopped). */
  readonly stopped?: () => boolean;
}

/**
 * Waits until every one of `clients` answers PING again, polling with a growing pause.
 * Throws the cause at once when a client was closed on purpose (it will never answer), and
 * a ServiceUnavailableError naming Redis once the deadline has passed without an answer.
 */
export async function waitForRedis(clients: readonly Redis[], cause: unknown, options: OutageOptions): Promise<void> {
  if (clients.some((client) => client.status === 'end')) throw cause;
  if (options.announce) {
    options.logger.warn(`Redis unavailable at ${options.target} (${errorMessage(cause)}); waiting for it to return.`);
  }
  for (let pauseMs = 100; !options.stopped?.(); pauseMs = Math.min(pauseMs * 2, 2000)) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    try {
      await Promise.all(clients.map((client) => pingWithin(client, PING_TIMEOUT_MS)));
      options.logger.info(`Redis at ${options.target} answers again; catching up with the chain.`);
      return;
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      if (Date.now() >= options.deadline) {
        throw new ServiceUnavailableError('Redis', options.target, errorMessage(error), { cause: error });
      }
    }
  }
}

async function pingWithin(client: Redis, ms: number): Promise<void> {
  const ping = client.ping();
  if ((await settlesWithin(ping, ms)) === 'late') {
    throw Object.assign(new Error('Redis did not answer PING'), { code: 'ETIMEDOUT' });
  }
  await ping;
}

/** Where a client connects, for messages (never its password). */
export function describeRedisClient(client: Redis): string {
  const { path, host, port } = client.options;
  return path ? `unix://${path}` : `redis://${host ?? '127.0.0.1'}:${port ?? 6379}`;
}
