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

/** Waits until a worker process says it is ready; fails if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`a worker process exited with ${code}`)));
  });
}

/** Starts `count` worker processes; if one fails to start, stops the others before failing. */
async function startWorkers(script: string, count: number, env: NodeJS.ProcessEnv): Promise<ChildProcess[]> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [script, 'worker', String(SLOTS / count)], { env, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  try {
    await Promise.all(children.map(ready));
    return children;
  } catch (error) {
    await stopWorkers(children);
    throw error;
  }
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

/**
 * Rounds measured, after the warm-up chains (see `measure`). One round's ratio to one process
 * wanders widely here (0.81 to 1.19 within one run), and the median of four rounds moved from
 * 0.89 to 0.96 between runs of the same code; a chain took about 0.4 s on the host that
 * measured this (up to 1.7 s in slow stretches), so twelve rounds cost seconds. An even number,
 * so that alternating the order puts every configuration at the same average place in the run.
 */
const ROUNDS = 12;

/** One configuration: `count` worker processes on a queue of their own, and an engine to drive it. */
interface Configuration {
  readonly count: number;
  readonly engine: Engine;
  readonly workers: readonly ChildProcess[];
  /** Tasks/s of the first warm-up chain, on fresh processes. */
  first?: number;
  /** Tasks/s of each round's chain. */
  readonly rounds: number[];
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
    return { count, engine, workers: await startWorkers(script, count, env), rounds: [] };
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
 * Every configuration's processes are started first (idle workers wait in Redis and use almost no
 * CPU). The figure is long-lived workers' steady state, as the engine benchmark's throughput, so
 * each configuration first runs one warm-up chain per process: every process has then run about
 * as many tasks as the single process has (V8 optimises a function after enough calls; with one
 * chain for every configuration, each of four processes would have run a quarter as many). Then
 * their chains alternate, each round in the other order (1, 2, 4, then 4, 2, 1), and each
 * configuration is compared with one process within each round. The machine's speed drifts
 * during a run here (in one run every configuration's chains sped up from about 600 to 1,500
 * tasks/s within 20 s); run one after another, the configurations were measured in different
 * stretches of it.
 */
async function measure(script: string, config: TakossConfig, workspace: string): Promise<Configuration[]> {
  const configurations: Configuration[] = [];
  try {
    for (const count of PROCESSES) configurations.push(await startConfiguration(script, config, count));
    for (const configuration of configurations) {
      configuration.first = await runChain(configuration, config, workspace);
      for (let chain = 1; chain < configuration.count; chain++) await runChain(configuration, config, workspace);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? configurations : [...configurations].reverse();
      for (const configuration of order) configuration.rounds.push(await runChain(configuration, config, workspace));
    }
    return configurations;
  } finally {
    const stopped = await Promise.allSettled(configurations.map(stopConfiguration));
    for (const outcome of stopped) {
      if (outcome.status === 'rejected') console.error('[scaling] could not stop a configuration:', outcome.reason);
    }
  }
}

async function main(): Promise<void> {
  const script = await bundleEngineProcess();
  const database = freshDatabase('takoss_bench_scaling');
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'takoss-bench-scaling-'));
  const config: TakossConfig = { ...DEFAULT_CONFIG, databaseUrl: database.url };
  let configurations: Configuration[];
  try {
    configurations = await measure(script, config, workspace);
  } finally {
    await database.drop();
    await rm(workspace, { recursive: true, force: true });
  }
  const one = configurations.find((configuration) => configuration.count === 1)!;
  const cores = os.cpus().length;
  const figures: Figure[] = configurations.map(({ count, first, rounds }) => {
    const rate = percentile(rounds, 50);
    // Against one process in the same round: the median of the rounds' ratios.
    const ratios = rounds.map((value, round) => value / one.rounds[round]!);
    const ratio = percentile(ratios, 50);
    const chains = rounds.map((value) => value.toFixed(0)).join(', ');
    return {
      figure: `no-op chain (1000 tasks), ${count} worker process${count > 1 ? 'es' : ''} (${SLOTS / count} slots each; ${ROUNDS} alternating rounds after ${count} warm-up chain${count > 1 ? 's' : ''})`,
      baseline: `1 process: ${percentile(one.rounds, 50).toFixed(0)}/s (median)`,
      takoss: `${rate.toFixed(0)}/s median (rounds: ${chains}; first ${first?.toFixed(0) ?? '?'}/s); ratio to 1 process by round: ${ratios.map((value) => value.toFixed(2)).join(', ')}`,
      ratio,
      // One process per core at most: more processes than cores (with Redis and PostgreSQL on
      // the same two) measure the machine's oversubscription, reported as context.
      goal:
        count === 1
          ? 'reference'
          : count <= cores
            ? '≥ 0.90, median of the rounds (nothing serialises needlessly)'
            : `context: ${count} processes on ${cores} cores`,
      met: count === 1 || count > cores || ratio >= 0.9,
      detail: { tasksPerSecond: rate, chains, ratios: ratios.join(', '), firstChain: first ?? Number.NaN },
    };
  });
  report('scaling', figures, { cpus: os.cpus().length, node: process.version });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
