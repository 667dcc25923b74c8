/**
 * `takoss worker`: an extra worker for every chain on this Redis and PostgreSQL, here or on
 * another machine. It runs until SIGINT/SIGTERM, then shuts down gracefully: running Claude
 * calls are aborted and their tasks go back to waiting for another worker.
 */
import { resolveConfig } from '../config';
import { Engine } from '../engine/engine';
import { EXIT_CODE } from '../errors';
import type { CommandContext } from './build';

export async function runWorker(flags: { concurrency?: string }, context: CommandContext): Promise<number> {
  const { config } = resolveConfig({
    explicit: { concurrency: flags.concurrency },
    explicitSource: 'flag',
    env: context.env,
  });
  const engine = await Engine.open({ config, env: context.env, logger: context.logger });
  try {
    await engine.startWorker(config.concurrency);
    context.logger.info(`Worker ready (concurrency ${config.concurrency}); stop it with Ctrl+C.`);
    await new Promise<void>((resolve) => {
      if (!context.signal || context.signal.aborted) return resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    context.logger.info('Stopping: running tasks go back to the queue.');
  } finally {
    await engine.close();
  }
  return EXIT_CODE.ok;
}
