/**
 * A Takoss engine opened for a benchmark, and its chains run to the end: what the engine
 * benchmark's figures share (bench/engine.ts).
 */
import { randomBytes } from 'node:crypto';
import type { TakossConfig } from '../../server/src/config';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { Engine, type EngineOptions } from '../../server/src/engine/engine';
import { silentLogger } from '../../server/src/logger';
import { startPlannedChain } from '../../server/src/orchestrator/orchestrator';
import type { FakeAnthropic, FakeAnthropicScript } from '../../test/fixtures/fakeAnthropic';
import { benchGraph } from './benchGraph';
import { startFakeProcess } from './fakeProcess';
import { chainSpanMs, closeAndDeleteQueue } from './chainRuns';
import { linearChain, type BenchTask } from './dag';

const API_KEY = 'sk-ant-bench-0000000000000000';
export const REQUEST = 'Benchmark chain';
/** Warm-up tasks: ids of their own, so that their script never overrides a measured task's. */
export const WARM_UP = linearChain(5, 0, 'warm');

export interface Context {
  /** In-process fake, for figures that read what was sent (tokens). */
  readonly fake: FakeAnthropic;
  readonly config: TakossConfig;
  readonly workspace: string;
}

const envFor = (baseUrl: string): NodeJS.ProcessEnv => ({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: baseUrl });

/** Scripts where each task answers with no files after `delayMs` (one call per task). */
export const delays = (tasks: readonly BenchTask[]): FakeAnthropicScript => ({
  tasks: Object.fromEntries(tasks.map((task) => [task.id, { delayMs: task.delayMs, summary: 'ok' }])),
});

/** The chains each benchmark engine ran, removed from Redis when it closes (closeEngine). */
const chainsRun = new WeakMap<Engine, string[]>();

export async function openEngine(
  context: Context,
  concurrency: number,
  baseUrl: string,
  extra: Partial<EngineOptions> = {},
): Promise<Engine> {
  const engine = await Engine.open({
    config: { ...context.config, concurrency },
    env: envFor(baseUrl),
    logger: silentLogger,
    queue: { name: `bench-${randomBytes(4).toString('hex')}` },
    ...extra,
  });
  await engine.startWorker(concurrency);
  chainsRun.set(engine, []);
  return engine;
}

/**
 * Closes a benchmark engine, leaving nothing of it in Redis: its chains' keys and its queue
 * (a benchmark runs tens of thousands of tasks, whose keys would otherwise stay for their TTL
 * and slow the next runs down).
 */
export async function closeEngine(engine: Engine): Promise<void> {
  for (const chainId of chainsRun.get(engine) ?? []) await engine.accumulator.cleanupChain(chainId);
  await closeAndDeleteQueue(engine);
}

/** Deletes a chain the engine ran from Redis now, rather than when the engine closes. */
export async function removeChain(engine: Engine, chainId: string): Promise<void> {
  const chains = chainsRun.get(engine) ?? [];
  const index = chains.indexOf(chainId);
  if (index >= 0) chains.splice(index, 1);
  await engine.accumulator.cleanupChain(chainId);
}

/** Runs `use` on a benchmark engine, then closes it (closeEngine) whatever happened. */
export async function usingEngine<T>(opening: Promise<Engine>, use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await opening;
  try {
    return await use(engine);
  } finally {
    await closeEngine(engine);
  }
}

/**
 * Runs a planned chain to its end. The makespan runs from the moment its roots are enqueued
 * (the chain is recorded) to the moment it ends: what the scheduler is responsible for.
 */
export async function runChain(
  engine: Engine,
  context: Context,
  tasks: readonly BenchTask[],
): Promise<{ ms: number; chainId: string }> {
  const created = await startPlannedChain(engine, {
    request: REQUEST,
    workspace: context.workspace,
    model: context.config.model,
    concurrency: engine.options.config.concurrency,
    graph: benchGraph(tasks),
  });
  chainsRun.get(engine)?.push(created.chainId);
  const result = await engine
    .driver(created.chainId, workspaceApplier(context.workspace, created.chainId, engine.repository))
    .run();
  if (result.status !== 'succeeded') throw new Error(`bench chain ended ${result.status}`);
  return { ms: await chainSpanMs(engine.redis, created.chainId), chainId: created.chainId };
}

/** A few small chains first, so scripts are loaded and code is warm before measuring. */
export async function warmUp(engine: Engine, context: Context): Promise<void> {
  for (let round = 0; round < 3; round++) await runChain(engine, context, WARM_UP);
}

/** Tasks of the hop figures' linear chain. */
export const HOPS = 20;

/** The hop figures' setup: a linear chain of 20 ms tasks, its fake, and a warmed-up engine (closed after). */
export async function onHopChain<T>(
  context: Context,
  use: (engine: Engine, chain: BenchTask[]) => Promise<T>,
): Promise<T> {
  const chain = linearChain(HOPS, 20);
  const fake = await startFakeProcess({ tasks: { ...delays(chain).tasks, ...delays(WARM_UP).tasks } });
  const measured = usingEngine(openEngine(context, 4, fake.baseUrl), async (engine) => {
    await warmUp(engine, context);
    return use(engine, chain);
  });
  return measured.finally(() => fake.stop());
}
