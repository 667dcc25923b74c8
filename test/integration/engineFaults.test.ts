/**
 * More of the engine on real services: what goes into the prompt cache, output cut off by
 * max_tokens, a refusal, the budget, and a graceful shutdown that hands running tasks back.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Engine } from '../../server/src/engine/engine';
import { createLogger } from '../../server/src/logger';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { createChain } from '../../server/src/orchestrator/orchestrator';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

const file = (name: string) => ({ path: name, content: `// ${name}\n` });

describe('the chain engine: prompts, cut-offs, refusals, budget, shutdown', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('marks the stable prefix for prompt caching and puts the task id in the first user message', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('one'), planTask('two', ['one'])] }],
      tasks: { one: { files: [file('one.ts')] }, two: { files: [file('two.ts')] } },
    });
    await harness.build();
    const requests = ['one', 'two'].map((id) => harness!.fake.requestsFor(id).find((request) => request.turn === 0)!);
    for (const request of requests) {
      const system = request.body.system as { text: string; cache_control?: { type: string } }[];
      assert.equal(system.length, 2);
      assert.ok(system.every((block) => block.cache_control?.type === 'ephemeral'));
      assert.match(request.firstUserText, new RegExp(`^Task ID: ${request.taskId}$`, 'm'));
      assert.deepEqual(
        (request.body.tools as { name: string }[]).map((tool) => tool.name),
        ['write_file'],
      );
    }
    assert.deepEqual(requests[0]!.body.system, requests[1]!.body.system, 'the cached prefix is identical across tasks');
  });

  it('never writes a file cut off by max_tokens, and fails the task if it is not written again', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('long')] }],
      tasks: {
        long: {
          files: [file('ok.ts'), { path: 'big.ts', content: 'x'.repeat(5000) }],
          faults: [{ kind: 'maxTokens' }],
        },
      },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'failed');
    const record = await harness.engine.repository.find(run.created.chainId);
    assert.match(record!.tasks[0]!.error ?? '', /cut off big\.ts and it was never written in full/);
    assert.deepEqual(await readdir(harness.workspace), []);
    const continued = harness.fake.requestsFor('long').find((request) => request.turn === 1)!;
    assert.match(JSON.stringify(continued.body.messages), /cut off by the output limit while writing big\.ts/);
  });

  it('fails a task Claude refuses, without retrying', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('nope')] }],
      tasks: { nope: { faults: [{ kind: 'refusal' }] } },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'failed');
    assert.equal(harness.fake.requestsFor('nope').length, 1);
    const record = await harness.engine.repository.find(run.created.chainId);
    assert.match(record!.tasks[0]!.error ?? '', /declined this task/);
  });

  it('stops scheduling when spent plus running estimates reach --budget-usd, ending budget_exceeded', async () => {
    const chainOf = Array.from({ length: 6 }, (_, index) =>
      planTask(`step${index}`, index === 0 ? [] : [`step${index - 1}`]),
    );
    harness = await startHarness({
      plans: [{ tasks: chainOf }],
      tasks: Object.fromEntries(
        chainOf.map((task) => [
          task.id,
          { files: [file(`${task.id}.ts`)], usage: { inputTokens: 20_000, outputTokens: 2000 } },
        ]),
      ),
    });
    // Each task costs about $0.09 (20k in, 2k out at sonnet prices); $0.25 pays for two and a bit.
    const run = await harness.build(undefined, { budgetUsd: 0.25 });
    assert.equal(run.result.status, 'budget_exceeded');
    const record = await harness.engine.repository.find(run.created.chainId);
    const succeeded = record!.tasks.filter((task) => task.status === 'succeeded').length;
    assert.ok(succeeded >= 1 && succeeded < 6, `${succeeded} tasks ran`);
    assert.ok(run.result.usage.costUsd <= 0.25 + 0.1, `spend stayed near the budget ($${run.result.usage.costUsd})`);
    assert.ok(record!.tasks.some((task) => task.status === 'skipped'));
  });

  it('on graceful shutdown aborts the three running Claude calls and hands the tasks back, with no partial files', async () => {
    const slow = ['slow-a', 'slow-b', 'slow-c'];
    harness = await startHarness({
      plans: [{ tasks: slow.map((id) => planTask(id)) }],
      tasks: Object.fromEntries(slow.map((id) => [id, { files: [file(`${id}.ts`)], delayMs: 1500 }])),
    });
    const { engine, config, env, workspace } = harness;
    const created = await createChain(engine, {
      request: 'x',
      workspace,
      model: config.model,
      concurrency: 3,
      maxTasks: 40,
    });
    await engine.startWorker(3);
    const deadline = Date.now() + 10_000;
    while (slow.some((id) => harness!.fake.requestsFor(id).length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(
      slow.every((id) => harness!.fake.requestsFor(id).length === 1),
      'all three were running when the worker shut down',
    );
    await engine.close();

    // A second worker process (here: a second Engine) picks them up and finishes the chain.
    const second = await Engine.open({
      config,
      env,
      logger: createLogger(() => undefined),
      queue: { name: engine.settings.name, backoffMs: 50 },
    });
    try {
      const states = await second.state.states(created.chainId);
      assert.deepEqual(
        slow.map((id) => states[id]),
        ['queued', 'queued', 'queued'],
        'the tasks went back to the queue',
      );
      // Task jobs carry a priority (taskPriority.ts): BullMQ counts them as 'prioritized'.
      assert.equal(
        await second.queue.getJobCountByTypes('waiting', 'prioritized'),
        3,
        'their jobs wait for the next worker',
      );
      for (const id of slow) {
        assert.equal(
          await second.accumulator.getResult(created.chainId, id),
          undefined,
          `${id}: no partial result kept`,
        );
      }
      await second.startWorker(3);
      const result = await second
        .driver(created.chainId, workspaceApplier(workspace, created.chainId, second.repository))
        .run();
      assert.equal(result.status, 'succeeded');
      const record = await second.repository.find(created.chainId);
      assert.deepEqual(
        record!.tasks.map((task) => task.attempts),
        [2, 2, 2],
        'each run once, aborted, run again',
      );
      assert.deepEqual(
        (await readdir(workspace)).sort(),
        slow.map((id) => `${id}.ts`),
      );
    } finally {
      await second.close();
    }
  });
});
