/**
 * `npm run bench:scaling`: the no-op chain of the throughput figure run by 1, 2 and 4 worker
 * processes on the same Redis, the driver in this process (so every result travels the
 * event stream, as when workers run on other machines). On a 2-core machine more processes
 * cannot make it much faster; the point is that nothing serialises needlessly — tasks/s must
 * not fall as processes are added — and that every task is run exactly once. The configurations'
 * chains alternate (see `measure`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { workspaceApplier } from '../server/src/cli/workspaceApplier';
import { DEFAULT_CONFIG, type TakossConfig } from '../server/src/config';
import { chainKeys } from '../server/src/context/keys';
import { Engine } from '../server/src/engine/engine';
import { silentLogger } from '../server/src/logger';
import { startPlannedChain } from '../server/src/orchestrator/orchestrator';
import { freshDatabase } from '../test/helpers/database';
import { benchGraph } from './lib/benchGraph';
import { chainSpanMs, closeAndDeleteQueue } from './lib/chainRuns';
import { bundleEngineProcess } from './lib/bundleProbe';
import { layeredDag, percentile } from './lib/dag';
import { report, type Figure } from './lib/report';

const PROCESSES = [1, 2, 4];
/** Worker slots in all, shared out among the processes. */
const SLOTS = 16;

async function startWorkers(script: string, count: number, env: NodeJS.ProcessEnv): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, [script, 'worker', String(SLOTS / count)], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`a worker process exited with ${code}`)));
      });
      return child;
    }),
  );
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

/**
 * Chains measured per configuration, after a first one on the same processes: as in the engine
 * benchmark's throughput figure, the steady state of long-lived workers is the figure (the
 * median), and the first chain of freshly started processes is reported beside it. Five, not
 * three: single chains of the same configuration move by a fifth, and a chain takes a second.
 */
const ROUNDS = 5;

interface Rates {
  readonly first: number;
  readonly median: number;
  readonly each: readonly number[];
}

/** One configuration: `count` worker processes on a queue of their own, and an engine to drive it. */
interface Configuration {
  readonly count: number;
  readonly engine: Engine;
  readonly workers: readonly ChildProcess[];
}

async function startConfiguration(script: string, config: TakossConfig, count: number): Promise<Configuration> {
  const queueName = `bench-scaling-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    REDIS_URL: config.redisUrl,
    DATABASE_URL: config.databaseUrl,
    TAKOSS_QUEUE_NAME: queueName,
  };
  const engine = await Engine.open({ config, env, logger: silentLogger, queue: { name: queueName } });
  try {
    return { count, engine, workers: await startWorkers(script, count, env) };
  } catch (error) {
    await closeAndDeleteQueue(engine);
    throw error;
  }
}

async function stopConfiguration({ engine, workers }: Configuration): Promise<void> {
  await stopWorkers(workers);
  await closeAndDeleteQueue(engine);
}

/** Runs the no-op chain on a configuration; tasks per second over the chain's makespan. */
async function runChain({ engine }: Configuration, config: TakossConfig, workspace: string): Promise<number> {
  const tasks = layeredDag(10, 100);
  const created = await startPlannedChain(engine, {
    request: 'Scaling benchmark',
    workspace,
    model: config.model,
    concurrency: SLOTS,
    graph: benchGraph(tasks),
  });
  const result = await engine
    .driver(created.chainId, workspaceApplier(workspace, created.chainId, engine.repository))
    .run();
  if (result.status !== 'succeeded') throw new Error(`scaling chain ended ${result.status}`);
  const attempts = await engine.redis.hvals(chainKeys(created.chainId).attempts);
  const runs = attempts.reduce((sum, value) => sum + Number(value), 0);
  if (runs !== tasks.length) throw new Error(`${runs} runs for ${tasks.length} tasks`);
  const rate = tasks.length / ((await chainSpanMs(engine.redis, created.chainId)) / 1000);
  await engine.accumulator.cleanupChain(created.chainId);
  return rate;
}

/**
 * Every configuration's processes are started first (idle workers wait in Redis, using no CPU),
 * then their chains alternate, each round in the other order (1, 2, 4 then 4, 2, 1…): a machine
 * whose speed drifts during the run slows all of them alike,
 * rather than whichever ran last.
 */
async function measure(script: string, config: TakossConfig, workspace: string): Promise<Map<number, Rates>> {
  const configurations: Configuration[] = [];
  try {
    for (const count of PROCESSES) configurations.push(await startConfiguration(script, config, count));
    const first = new Map<number, number>();
    for (const configuration of configurations)
      first.set(configuration.count, await runChain(configuration, config, workspace));
    const each = new Map<number, number[]>(PROCESSES.map((count) => [count, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? configurations : [...configurations].reverse();
      for (const configuration of order)
        each.get(configuration.count)!.push(await runChain(configuration, config, workspace));
    }
    return new Map(
      PROCESSES.map((count) => {
        const rates = each.get(count)!;
        return [count, { first: first.get(count)!, each: rates, median: percentile(rates, 50) }];
      }),
    );
  } finally {
    for (const configuration of configurations) await stopConfiguration(configuration);
  }
}

async function main(): Promise<void> {
  const script = await bundleEngineProcess();
  const database = freshDatabase('takoss_bench_scaling');
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'takoss-bench-scaling-'));
  const config: TakossConfig = { ...DEFAULT_CONFIG, databaseUrl: database.url };
  let rates: Map<number, Rates>;
  try {
    rates = await measure(script, config, workspace);
  } finally {
    await database.drop();
    await rm(workspace, { recursive: true, force: true });
  }
  const one = rates.get(1)!.median;
  const cores = os.cpus().length;
  const figures: Figure[] = PROCESSES.map((count) => {
    const { median: rate, first, each } = rates.get(count)!;
    const chains = each.map((value) => value.toFixed(0)).join(', ');
    return {
      figure: `no-op chain (1000 tasks), ${count} worker process${count > 1 ? 'es' : ''} (${SLOTS / count} slots each; median of ${ROUNDS} chains after the first)`,
      baseline: `1 process: ${one.toFixed(0)}/s`,
      takoss: `${rate.toFixed(0)}/s (chains: ${chains}; first ${first.toFixed(0)}/s)`,
      ratio: rate / one,
      // One process per core at most: more processes than cores (with Redis and PostgreSQL on
      // the same two) measure the machine's oversubscription, reported as context.
      goal:
        count === 1
          ? 'reference'
          : count <= cores
            ? '≥ 0.90 (nothing serialises needlessly)'
            : `context: ${count} processes on ${cores} cores`,
      met: count === 1 || count > cores || rate / one >= 0.9,
      detail: { tasksPerSecond: rate, chains, firstChain: first },
    };
  });
  report('scaling', figures, { cpus: os.cpus().length, node: process.version });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
