/**
 * A Takoss engine in a process of its own, for the benchmarks that need several (worker
 * scaling) or a clean heap (memory). Bundled by esbuild like dist/cli.js and run with plain
 * node, so what is measured is the shipped code, not a TypeScript loader.
 *
 *   node engineProcess.js worker <concurrency>   no-op worker until SIGTERM; prints "ready"
 *   node engineProcess.js memory <tasks> <rounds> idle RSS, then RSS after each chain (JSON)
 *
 * Configuration comes from the environment: REDIS_URL, DATABASE_URL, TAKOSS_QUEUE_NAME.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { Engine } from '../../server/src/engine/engine';
import { silentLogger } from '../../server/src/logger';
import { startPlannedChain } from '../../server/src/orchestrator/orchestrator';
import { benchGraph } from './benchGraph';
import { closeAndDeleteQueue, noopExecute } from './chainRuns';
import { layeredDag } from './dag';

async function open(concurrency: number): Promise<Engine> {
  return Engine.open({
    config: {
      ...DEFAULT_CONFIG,
      redisUrl: process.env.REDIS_URL ?? DEFAULT_CONFIG.redisUrl,
      databaseUrl: process.env.DATABASE_URL ?? DEFAULT_CONFIG.databaseUrl,
      concurrency,
    },
    // Never called: the no-op processor replaces Claude; the engine only insists on a key.
    env: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-bench-unused' },
    logger: silentLogger,
    processor: { execute: noopExecute },
  });
}

async function worker(concurrency: number): Promise<void> {
  const engine = await open(concurrency);
  await engine.startWorker(concurrency);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await engine.close();
}

/** Megabytes of resident memory after a full garbage collection. */
function settledRssMb(): number {
  for (let pass = 0; pass < 3; pass++) globalThis.gc?.();
  const usage = process.memoryUsage();
  if (process.env.TAKOSS_BENCH_VERBOSE) console.error(JSON.stringify(usage));
  return usage.rss / 2 ** 20;
}

async function memory(tasks: number, rounds: number): Promise<void> {
  // Its queue is deleted at the end: never the default one a backend on this Redis may be using.
  if (!process.env.TAKOSS_QUEUE_NAME?.startsWith('bench-')) {
    throw new Error('memory mode needs TAKOSS_QUEUE_NAME=bench-… (a queue of its own; bench/memory.ts sets one)');
  }
  const engine = await open(16);
  await engine.startWorker(16);
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'takoss-memory-'));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idleMb = settledRssMb();
  const afterChainMb: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const created = await startPlannedChain(engine, {
      request: 'Memory benchmark',
      workspace,
      model: DEFAULT_CONFIG.model,
      concurrency: 16,
      graph: benchGraph(layeredDag(tasks / 100, 100)),
    });
    const result = await engine
      .driver(created.chainId, workspaceApplier(workspace, created.chainId, engine.repository))
      .run();
    if (result.status !== 'succeeded') throw new Error(`memory chain ended ${result.status}`);
    await engine.accumulator.cleanupChain(created.chainId);
    afterChainMb.push(settledRssMb());
  }
  await closeAndDeleteQueue(engine);
  await rm(workspace, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ idleMb, afterChainMb })}\n`);
}

const [mode, first, second] = process.argv.slice(2);
const running = mode === 'worker' ? worker(Number(first)) : memory(Number(first), Number(second));
running.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
