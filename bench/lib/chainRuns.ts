/** What the engine benchmarks share about running a chain: the no-op task, the timing, and closing up. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectionFor, type Engine } from '../../server/src/engine/engine';
import { chainKeys } from '../../server/src/context/keys';
import type { GeneratedFile } from '../../server/src/context/types';
import { ZERO_USAGE } from '../../server/src/llm/usage';

/** The processor's `execute` for no-op tasks: no Claude call, no files, a token of usage. */
export const noopExecute = () =>
  Promise.resolve({
    files: [] as GeneratedFile[],
    summary: 'noop',
    usage: { ...ZERO_USAGE, inputTokens: 10, costUsd: 0.00003 },
    turns: 1,
  });

/** Milliseconds from a chain's first event (it was recorded, roots enqueued) to its last. */
export async function chainSpanMs(redis: Redis, chainId: string): Promise<number> {
  const events = await redis.xrange(chainKeys(chainId).events, '-', '+');
  const stamp = (entry: [string, string[]] | undefined) => Number(entry?.[0].split('-')[0]);
  return stamp(events[events.length - 1]) - stamp(events[0]);
}

/**
 * Closes a benchmark's engine, then deletes its queue (jobs and all). Only a benchmark's own
 * queue (named `bench-…`) is ever deleted, and only once the engine's worker has stopped: a
 * closing worker may still write to it.
 */
export async function closeAndDeleteQueue(engine: Engine): Promise<void> {
  const { name, opts } = engine.queue;
  if (!name.startsWith('bench-'))
    throw new Error(`Refusing to delete queue "${name}": not a benchmark's own (bench-…)`);
  await engine.close();
  const queue = new Queue(name, { connection: connectionFor(engine.options.config.redisUrl), prefix: opts.prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
