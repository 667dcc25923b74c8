/**
 * A task's result reaches its chain's driver three ways — handed over by a worker in the same
 * process, through the event stream, and found by a reconcile — and must be applied once,
 * with PostgreSQL's record ending where Redis does, whichever path comes first.
 */
import assert from 'node:assert/strict';
import type { GeneratedFile } from '../../server/src/context/types';
import { Engine } from '../../server/src/engine/engine';
import { createLogger } from '../../server/src/logger';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { ChainDriver, type FileApplier } from '../../server/src/orchestrator/chainDriver';
import { createChain } from '../../server/src/orchestrator/orchestrator';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

const file = (id: string) => ({ path: `${id}.ts`, content: `export const ${id} = 1;\n` });

/** An applier that counts its calls per task, in front of the real one. */
function counting(inner: FileApplier, delays: Record<string, number> = {}) {
  const calls = new Map<string, number>();
  const applier: FileApplier = {
    async apply(taskId: string, files: readonly GeneratedFile[]) {
      calls.set(taskId, (calls.get(taskId) ?? 0) + 1);
      const delayMs = delays[taskId];
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return inner.apply(taskId, files);
    },
  };
  return { applier, calls };
}

/** Plans the harness's chain and puts a counting applier in front of its workspace. */
async function countedChain(harness: Harness, concurrency: number, delays: Record<string, number> = {}) {
  const { engine, workspace, config } = harness;
  const created = await createChain(engine, {
    request: 'x',
    workspace,
    model: config.model,
    concurrency,
    maxTasks: 40,
  });
  return { created, ...counting(workspaceApplier(workspace, created.chainId, engine.repository), delays) };
}

function assertWrittenOnce(calls: ReadonlyMap<string, number>, tasks: number): void {
  assert.deepEqual(
    [...calls].filter(([, count]) => count !== 1),
    [],
    'every task written exactly once',
  );
  assert.equal(calls.size, tasks);
}

describe('applying task results once, whichever path brings them', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;
  let worker: Engine | undefined;

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await harness?.close();
    harness = undefined;
  });

  it('keeps PostgreSQL in line with Redis when a local hand-over overtakes a held-up event stream', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('slow'), planTask('a'), planTask('b', ['a'])] }],
      tasks: { slow: { files: [file('slow')] }, a: { files: [file('a')], delayMs: 300 }, b: { files: [file('b')] } },
    });
    const { engine } = harness;
    // Writing "slow" takes 2 s (a review prompt, a slow disk): the stream loop waits on it
    // while "a" and "b" are applied through the hand-over; their older events come later.
    const { created, applier } = await countedChain(harness, 4, { slow: 2000 });
    const driver = engine.driver(created.chainId, applier);
    await engine.startWorker(4);
    const result = await driver.run();

    assert.equal(result.status, 'succeeded');
    const states = await engine.state.states(created.chainId);
    const record = await engine.repository.find(created.chainId);
    const mirrored = Object.fromEntries(record!.tasks.map((task) => [task.taskId, task.status]));
    assert.deepEqual(mirrored, states);
  });

  it('applies at once a result whose commit ran in Redis but had no answer, without waiting for a reconcile', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('a'), planTask('b', ['a'])] }],
      tasks: { a: { files: [file('a')] }, b: { files: [file('b')] } },
    });
    const { engine } = harness;
    // The commit of "a" runs in Redis, then its reply is lost (the connection dropped): the
    // worker hears an error only after the driver has read the commit's event.
    const commit = engine.state.commit.bind(engine.state);
    engine.state.commit = async (...args: Parameters<typeof commit>) => {
      const answer = await commit(...args);
      if (args[2].taskId !== 'a') return answer;
      await new Promise((resolve) => setTimeout(resolve, 300));
      throw new Error('Connection is closed.');
    };
    // Only a reconcile refreshes the TTL: the driver's first, then one every 5 s.
    const refreshTtl = engine.accumulator.refreshTtl.bind(engine.accumulator);
    let reconciles = 0;
    engine.accumulator.refreshTtl = (...args: Parameters<typeof refreshTtl>) => {
      reconciles++;
      return refreshTtl(...args);
    };
    const { created, applier, calls } = await countedChain(harness, 2);
    await engine.startWorker(2);
    const result = await engine.driver(created.chainId, applier).run();

    assert.equal(result.status, 'succeeded');
    assertWrittenOnce(calls, 2);
    assert.equal(reconciles, 1, 'nothing waited for a second reconcile');
  });

  const ids = Array.from({ length: 16 }, (_, index) => `t${index}`);
  const script = {
    plans: [{ tasks: ids.map((id, index) => planTask(id, index < 6 ? [] : [ids[index - 6]!])) }],
    tasks: Object.fromEntries(ids.map((id, index) => [id, { files: [file(id)], delayMs: (index * 37) % 60 }])),
  };

  it('writes each result once with the worker in this process (hand-over, stream and reconcile)', async () => {
    harness = await startHarness(script);
    const { engine } = harness;
    const { created, applier, calls } = await countedChain(harness, 6);
    await engine.startWorker(6);
    const result = await engine.driver(created.chainId, applier).run();

    assert.equal(result.status, 'succeeded');
    assertWrittenOnce(calls, ids.length);
  });

  it('writes each result once with the worker in another process, reconciling all the time', async () => {
    harness = await startHarness(script);
    const { engine, config, env } = harness;
    const { created, applier, calls } = await countedChain(harness, 6);
    const blockingRedis = engine.redis.duplicate();
    const driver = new ChainDriver(created.chainId, {
      blockingRedis,
      redis: engine.redis,
      state: engine.state,
      accumulator: engine.accumulator,
      queue: engine.queue,
      repository: engine.repository,
      logger: createLogger(() => undefined),
      applier,
      // Every loop: a reconcile races every stream event.
      reconcileIntervalMs: 0,
    });
    worker = await Engine.open({
      config,
      env,
      logger: createLogger(() => undefined),
      queue: { name: engine.settings.name, backoffMs: 50 },
    });
    await worker.startWorker(6);
    try {
      const result = await driver.run();
      assert.equal(result.status, 'succeeded');
    } finally {
      blockingRedis.disconnect();
    }
    assertWrittenOnce(calls, ids.length);
  });
});
