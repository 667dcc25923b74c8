/**
 * The baselines the engine is measured against, in the same run: the same Claude calls
 * with no queue at all, and raw BullMQ with no-op jobs.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { dependentsOf, taskById, type TaskGraph } from '../../server/src/decomposer/taskGraph';
import { connectionFor, type Engine } from '../../server/src/engine/engine';
import type { ClaudeClient } from '../../server/src/llm/claudeClient';
import { writeFileTool } from '../../server/src/llm/tools';
import { taskPriority } from '../../server/src/queue/taskPriority';
import { buildTaskRequest } from '../../server/src/worker/taskPrompt';
import { benchGraph } from './benchGraph';
import { takeFirst, type BenchTask } from './dag';

const REQUEST = 'Benchmark chain';

type PlannedTask = TaskGraph['tasks'][number];

/** One task's call to Claude with no context: what every baseline here calls. */
function callTask(claude: ClaudeClient, graph: TaskGraph, task: PlannedTask): Promise<unknown> {
  const request = buildTaskRequest({ request: REQUEST, graph, task, context: 'none' });
  return claude.stream({
    model: 'claude-sonnet-5-5',
    max_tokens: 1000,
    system: request.system,
    messages: request.messages,
    tools: [writeFileTool],
  });
}

/**
 * The same calls with no queue at all: an in-process scheduler on `slots`. A finished task's
 * dependents become ready before its slot is given again, and a free slot takes the ready task
 * that comes first in Takoss's order (taskPriority.ts), the earliest ready among equals.
 */
export async function runWithoutQueue(engine: Engine, graph: TaskGraph, slots: number): Promise<number> {
  const claude = engine.claude();
  const dependents = dependentsOf(graph);
  const unfinishedDependencies = new Map(graph.tasks.map((task) => [task.id, task.dependsOn.length]));
  const ready = graph.tasks.filter((task) => task.dependsOn.length === 0);
  const started = performance.now();
  await new Promise<void>((allDone, failed) => {
    let running = 0;
    const startReady = () => {
      while (running < slots && ready.length > 0) {
        const task = takeFirst(ready, (each) => taskPriority(graph, each.id));
        running++;
        callTask(claude, graph, task).then(() => finished(task), failed);
      }
      if (running === 0) allDone();
    };
    const finished = (task: PlannedTask) => {
      running--;
      for (const dependent of dependents.get(task.id) ?? []) {
        const left = unfinishedDependencies.get(dependent)! - 1;
        unfinishedDependencies.set(dependent, left);
        if (left === 0) ready.push(taskById(graph, dependent)!);
      }
      startReady();
    };
    startReady();
  });
  return performance.now() - started;
}

/**
 * What Claude calls take beyond their scripted delays when nothing else runs: each of `tasks`
 * called `times` times in turn, with its own delay. A call that waits takes longer beyond its
 * delay than one sent back to back (the fake's timer, and both processes waking from idle):
 * 3.0–4.3 ms against 1.5–2.2 ms with no delay, on this machine.
 */
export async function measureCallExtras(engine: Engine, tasks: readonly BenchTask[], times = 1): Promise<number[]> {
  const graph = benchGraph(tasks);
  const claude = engine.claude();
  const extras: number[] = [];
  for (let round = 0; round < times; round++) {
    for (const task of tasks) {
      const started = performance.now();
      await callTask(
        claude,
        graph,
        graph.tasks.find((each) => each.id === task.id)!,
      );
      extras.push(performance.now() - started - task.delayMs);
    }
  }
  return extras;
}

/** BullMQ's connection to the Redis at `redisUrl` (the one Takoss is measured on), as workers have it. */
const rawConnection = (redisUrl: string) => connectionFor(redisUrl, true);

/** Raw BullMQ: one job at a time to an idle worker, add → processor start. */
export async function rawBullmqLatency(redisUrl: string): Promise<number[]> {
  const name = `raw-${randomBytes(4).toString('hex')}`;
  const connection = rawConnection(redisUrl);
  const queue = new Queue(name, { connection, prefix: 'takoss-bench' });
  const latencies: number[] = [];
  let finished: (() => void) | undefined;
  const worker = new Worker(
    name,
    async (job) => {
      latencies.push(Date.now() - job.timestamp);
      return Promise.resolve();
    },
    { connection, prefix: 'takoss-bench', concurrency: 1 },
  );
  worker.on('completed', () => finished?.());
  await worker.waitUntilReady();
  for (let index = 0; index < 200; index++) {
    const done = new Promise<void>((resolve) => (finished = resolve));
    await queue.add('noop', {}, { removeOnComplete: true });
    await done;
  }
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return latencies;
}

/**
 * Raw BullMQ: `count` no-op jobs added at once, processed `concurrency` at a time. `around`
 * is told when the measured part (from the add to the last completion) starts and ends.
 */
export async function rawBullmqThroughput(
  redisUrl: string,
  count: number,
  concurrency: number,
  around?: { readonly start: () => Promise<void>; readonly end: () => Promise<unknown> },
): Promise<number> {
  const name = `raw-${randomBytes(4).toString('hex')}`;
  const connection = rawConnection(redisUrl);
  const queue = new Queue(name, { connection, prefix: 'takoss-bench' });
  let completed = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker(name, () => Promise.resolve(), { connection, prefix: 'takoss-bench', concurrency });
  worker.on('completed', () => {
    if (++completed === count) finished();
  });
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  await around?.start();
  const started = performance.now();
  await queue.addBulk(
    Array.from({ length: count }, (_, index) => ({ name: 'noop', data: { index }, opts: { removeOnComplete: true } })),
  );
  await done;
  const seconds = (performance.now() - started) / 1000;
  await around?.end();
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return count / seconds;
}
