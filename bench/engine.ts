/**
 * `npm run bench:engine`: the chain engine's figures, each measured side by side with its
 * baseline in the same run, on the real Redis, PostgreSQL and BullMQ, with Claude simulated
 * by the local Messages-API fake (its delay is the "model time" of a task).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { DEFAULT_CONFIG } from '../server/src/config';
import { renderContext } from '../server/src/context/contextScope';
import type { GeneratedFile } from '../server/src/context/types';
import { validateTaskGraph } from '../server/src/decomposer/taskGraph';
import type { Engine } from '../server/src/engine/engine';
import { workspaceApplier } from '../server/src/cli/workspaceApplier';
import { startPlannedChain } from '../server/src/orchestrator/orchestrator';
import type { TaskJobData } from '../server/src/queue/taskQueue';
import { startFakeAnthropic } from '../test/fixtures/fakeAnthropic';
import { freshDatabase } from '../test/helpers/database';
import { linearChain, percentile, layeredDag, type BenchTask } from './lib/dag';
import { rawBullmqLatency, rawBullmqThroughput, runWithoutQueue } from './lib/baselines';
import { benchGraph } from './lib/benchGraph';
import { noopExecute } from './lib/chainRuns';
import {
  closeEngine,
  openEngine,
  onHopChain,
  removeChain,
  HOPS,
  usingEngine,
  REQUEST,
  runChain,
  warmUp,
  type Context,
} from './lib/engineBench';
import { hopTimelineFigures } from './lib/hopTimeline';
import { makespanFigures } from './lib/makespan';
import { CommandCounter, describePer, type CommandCount } from './lib/commandCount';
import { report, type Figure } from './lib/report';

/** Rounds of the hop measurement: a model call's time wanders by milliseconds, a round's difference with it. */
const HOP_ROUNDS = 7;

async function hopFigures(context: Context): Promise<Figure[]> {
  const { rounds, takossLatency } = await onHopChain(context, async (engine, chain) => {
    // Takoss and the no-queue scheduler side by side, alternating; the median round is reported.
    const rounds: { takossMs: number; directMs: number; perHop: number; chainId: string }[] = [];
    for (let round = 0; round < HOP_ROUNDS; round++) {
      const takoss = await runChain(engine, context, chain);
      const directMs = await runWithoutQueue(engine, benchGraph(chain), 1);
      rounds.push({ takossMs: takoss.ms, directMs, perHop: (takoss.ms - directMs) / HOPS, chainId: takoss.chainId });
    }
    const chainIds = new Set(rounds.map((round) => round.chainId));
    const jobs = (await engine.queue.getJobs(['completed'], 0, 10_000)) as Job<TaskJobData>[];
    const takossLatency = jobs
      .filter((job) => chainIds.has(job.data.chainId) && job.processedOn !== undefined)
      .map((job) => job.processedOn! - job.timestamp);
    return { rounds, takossLatency };
  });
  const raw = await rawBullmqLatency(context.config.redisUrl);
  const sorted = [...rounds].sort((a, b) => a.perHop - b.perHop);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const perHop = median.perHop;
  const direct = median.directMs;
  const takoss = { ms: median.takossMs };
  const range = `${sorted[0]!.perHop.toFixed(1)}–${sorted.at(-1)!.perHop.toFixed(1)}`;
  return [
    {
      figure: `overhead per critical-path hop (${HOPS}-task chain, 20 ms tasks; median of ${HOP_ROUNDS} rounds)`,
      baseline: `in-process scheduler, no queue: ${(direct / HOPS).toFixed(1)} ms/hop`,
      takoss: `${(takoss.ms / HOPS).toFixed(1)} ms/hop (rounds: ${range} ms extra)`,
      ratio: perHop,
      goal: '≤ 3 ms extra per hop',
      met: perHop <= 3,
      detail: { takossMs: takoss.ms, directMs: direct, overheadPerHopMs: perHop, roundsMs: range },
    },
    {
      figure: 'enqueue → start latency p50 / p99 (ms, BullMQ timestamps)',
      baseline: `raw BullMQ add → start: ${percentile(raw, 50)} / ${percentile(raw, 99)}`,
      takoss: `${percentile(takossLatency, 50)} / ${percentile(takossLatency, 99)}`,
      ratio: percentile(takossLatency, 50),
      goal: '≤ 2 / ≤ 10',
      met: percentile(takossLatency, 50) <= 2 && percentile(takossLatency, 99) <= 10,
      detail: { samples: takossLatency.length },
    },
  ];
}

/**
 * Measured chains of the throughput figure. The backend is a long-lived process (the VS Code
 * backend, `takoss worker`), so the figure is its steady state: the median of these chains,
 * run after the first chain of the same shape, whose rate — JIT still warming, in a fresh
 * process — is reported beside it. Raw BullMQ is measured the same way.
 */
const THROUGHPUT_ROUNDS = 3;

async function throughputFigures(context: Context): Promise<Figure[]> {
  const tasks = layeredDag(10, 100);
  const engine = openEngine(context, 16, context.fake.baseUrl, { processor: { execute: noopExecute } });
  const { first, rates } = await usingEngine(engine, async (running) => {
    await warmUp(running, context);
    // Each chain's keys go before the next starts, so every round runs on the same Redis.
    const rate = async () => {
      const run = await runChain(running, context, tasks);
      await removeChain(running, run.chainId);
      return tasks.length / (run.ms / 1000);
    };
    const firstChain = await rate();
    const measured: number[] = [];
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) measured.push(await rate());
    return { first: firstChain, rates: measured };
  });
  const rawFirst = await rawBullmqThroughput(context.config.redisUrl, tasks.length, 16);
  const rawRates: number[] = [];
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    rawRates.push(await rawBullmqThroughput(context.config.redisUrl, tasks.length, 16));
  }
  const takossRate = percentile(rates, 50);
  const raw = percentile(rawRates, 50);
  const each = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(', ');
  return [
    {
      figure: `no-op tasks/s through the whole engine (${tasks.length} tasks, 10 layers, concurrency 16; median of ${THROUGHPUT_ROUNDS} chains after the first)`,
      baseline: `raw BullMQ no-op jobs: ${raw.toFixed(0)}/s (first run ${rawFirst.toFixed(0)}/s)`,
      takoss: `${takossRate.toFixed(0)}/s (chains: ${each(rates)}; first chain ${first.toFixed(0)}/s)`,
      ratio: takossRate / raw,
      goal: '≥ 2000/s',
      met: takossRate >= 2000,
      detail: {
        takossPerSecond: takossRate,
        rawPerSecond: raw,
        takossChains: each(rates),
        takossFirstChain: first,
        rawRuns: each(rawRates),
        rawFirstRun: rawFirst,
      },
    },
  ];
}

/** Tasks in the chains whose Redis commands are counted. */
const COUNTED_TASKS = 200;

/**
 * Redis commands sent per no-op task (a script is one): a count, so unlike the times above it
 * does not move with the machine's load. A wide chain (the throughput run's shape, 16 at a
 * time) and a linear one (every task a critical-path hop, 4 at a time as in the hop figure),
 * against raw BullMQ's commands per no-op job.
 */
async function commandFigures(context: Context): Promise<Figure[]> {
  const counter = new CommandCounter(context.config.redisUrl);
  const counted = async (engine: Engine, tasks: readonly BenchTask[]): Promise<CommandCount> => {
    try {
      await warmUp(engine, context);
      await counter.start();
      // Stopped whatever happens: a failed chain must not leave MONITOR on.
      const [ran] = await Promise.allSettled([runChain(engine, context, tasks)]);
      const count = await counter.stop();
      if (ran.status === 'rejected') throw ran.reason instanceof Error ? ran.reason : new Error(String(ran.reason));
      return count;
    } finally {
      await closeEngine(engine);
    }
  };
  const noop = { processor: { execute: noopExecute } };
  const wide = await counted(
    await openEngine(context, 16, context.fake.baseUrl, noop),
    layeredDag(10, COUNTED_TASKS / 10),
  );
  const linear = await counted(
    await openEngine(context, 4, context.fake.baseUrl, noop),
    linearChain(COUNTED_TASKS, 0, 'c'),
  );
  let raw: CommandCount | undefined;
  await rawBullmqThroughput(context.config.redisUrl, COUNTED_TASKS, 16, {
    start: () => counter.start(),
    end: async () => (raw = await counter.stop()),
  });
  const rawPerJob = raw!.total / COUNTED_TASKS;
  const figure = (shape: string, count: CommandCount): Figure => {
    const perTask = count.total / COUNTED_TASKS;
    return {
      figure: `Redis commands sent per no-op task, ${shape} (MONITOR; a script is one)`,
      baseline: `raw BullMQ no-op jobs: ${rawPerJob.toFixed(2)} per job (${describePer(raw!, COUNTED_TASKS, 4)})`,
      takoss: `${perTask.toFixed(2)} per task (${describePer(count, COUNTED_TASKS)})`,
      ratio: perTask / rawPerJob,
      goal: 'context: round trips per task',
      met: true,
      detail: { perTask, rawPerJob },
    };
  };
  return [
    figure(`${COUNTED_TASKS}-task chain in 10 layers, 16 at a time`, wide),
    figure(`${COUNTED_TASKS}-task linear chain, 4 at a time`, linear),
  ];
}

/** A 12-task build whose tasks write real-sized files; scoped context against naive chaining. */
async function tokenFigures(context: Context): Promise<Figure[]> {
  const ids = [
    'setup',
    'types',
    'db',
    'store',
    'api',
    'auth',
    'ui-shell',
    'ui-list',
    'ui-form',
    'api-tests',
    'ui-tests',
    'readme',
  ];
  const deps: Record<string, string[]> = {
    setup: [],
    types: ['setup'],
    db: ['types'],
    store: ['db'],
    api: ['store'],
    auth: ['api'],
    'ui-shell': ['types'],
    'ui-list': ['ui-shell'],
    'ui-form': ['ui-shell'],
    'api-tests': ['api', 'auth'],
    'ui-tests': ['ui-list', 'ui-form'],
    readme: ['api', 'ui-list'],
  };
  const firstRequest = context.fake.requests.length;
  const body = (id: string, n: number) =>
    `// ${id} part ${n}\n${'export const value = "lorem ipsum dolor sit amet";\n'.repeat(30)}`;
  context.fake.setScript({
    tasks: Object.fromEntries(
      ids.map((id) => [
        id,
        { files: [1, 2].map((n) => ({ path: `src/${id}/part${n}.ts`, content: body(id, n) })), summary: `${id} done` },
      ]),
    ),
  });
  const graph = validateTaskGraph({
    tasks: ids.map((id) => ({ id, title: id, description: `Build ${id}`, category: 'general', dependsOn: deps[id] })),
  });
  const { result, results } = await usingEngine(openEngine(context, 4, context.fake.baseUrl), async (engine) => {
    const created = await startPlannedChain(engine, {
      request: REQUEST,
      workspace: context.workspace,
      model: context.config.model,
      concurrency: 4,
      graph,
    });
    try {
      const ran = await engine
        .driver(created.chainId, workspaceApplier(context.workspace, created.chainId, engine.repository))
        .run();
      const record = await engine.repository.find(created.chainId);
      const outputs = new Map<string, { files: GeneratedFile[]; summary: string }>();
      for (const task of record!.tasks) {
        const output = await engine.repository.get(created.chainId, task.taskId);
        outputs.set(task.taskId, { files: [...(output?.files ?? [])], summary: output?.summary ?? '' });
      }
      return { result: ran, results: outputs };
    } finally {
      await engine.accumulator.cleanupChain(created.chainId);
    }
  });

  let scoped = 0;
  let naive = 0;
  for (const request of context.fake.requests.slice(firstRequest).filter((each) => each.kind === 'task')) {
    const tokens = Math.ceil(JSON.stringify(request.body).length / 4);
    const messages = request.body.messages as { content: { type: string; text?: string }[] }[];
    const scopedContext = messages[0]!.content[0]!.text ?? '';
    // Naive chaining runs the plan one task at a time (ids is in dependency order) and hands
    // each task everything before it; it does not depend on how this run happened to overlap.
    const earlier = ids.slice(0, ids.indexOf(request.taskId!)).map((id) => [id, results.get(id)!] as const);
    const naiveContext = renderContext({
      received: {
        tasks: earlier.map(([id, each]) => ({
          taskId: id,
          title: id,
          summary: each.summary,
          relation: 'direct' as const,
          files: each.files.map((file) => ({ path: file.path, bytes: file.bytes, included: true })),
        })),
        approxTokens: 0,
      },
      files: earlier.flatMap(([, each]) => each.files),
    });
    scoped += tokens;
    naive += tokens + Math.ceil((JSON.stringify(naiveContext).length - JSON.stringify(scopedContext).length) / 4);
  }
  return [
    {
      figure: `input tokens, 12-task build (${result.status})`,
      baseline: `naive chaining (all earlier output): ${naive}`,
      takoss: `${scoped} (ancestors only)`,
      ratio: scoped / naive,
      goal: '≤ 0.40',
      met: scoped / naive <= 0.4,
      detail: { scopedTokens: scoped, naiveTokens: naive },
    },
  ];
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const database = freshDatabase('takoss_bench');
  const fake = await startFakeAnthropic({});
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'takoss-bench-'));
  // REDIS_URL measures on another Redis (a Unix socket, say); Takoss and the baselines alike.
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_CONFIG.redisUrl;
  const context: Context = { fake, workspace, config: { ...DEFAULT_CONFIG, redisUrl, databaseUrl: database.url } };
  const figures: Figure[] = [];
  try {
    if (!only || only === 'makespan') figures.push(...(await makespanFigures(context)));
    if (!only || only === 'hops') figures.push(...(await hopFigures(context)));
    if (!only || only === 'timeline') figures.push(...(await hopTimelineFigures(context)));
    if (!only || only === 'throughput') figures.push(...(await throughputFigures(context)));
    if (!only || only === 'commands') figures.push(...(await commandFigures(context)));
    if (!only || only === 'tokens') figures.push(...(await tokenFigures(context)));
  } finally {
    await fake.close();
    await database.drop();
    await rm(workspace, { recursive: true, force: true });
  }
  report(
    'engine',
    figures,
    { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    only !== undefined,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
