import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TaskResult } from '../../server/src/context/types';
import { ContextAccumulator } from '../../server/src/context/contextAccumulator';
import { validateTaskGraph, type TaskGraph } from '../../server/src/decomposer/taskGraph';
import { ZERO_USAGE } from '../../server/src/llm/usage';
import { ChainState, type ChainSpec } from '../../server/src/orchestrator/chainState';

const task = (id: string, dependsOn: string[] = []) => ({
  id,
  title: `Task ${id}`,
  description: `Build ${id}`,
  category: 'general',
  dependsOn,
});

/** a → {b, c} → d, and e alone. */
const diamond: TaskGraph = validateTaskGraph({
  tasks: [task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c']), task('e')],
});

function result(taskId: string, costUsd = 0.01): TaskResult {
  return {
    taskId,
    title: `Task ${taskId}`,
    summary: `did ${taskId}`,
    files: [],
    usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 50, costUsd },
    model: 'claude-sonnet-5-5',
    attempt: 1,
    completedAt: new Date().toISOString(),
  };
}

describe('ChainState (the Lua state machine) on a real Redis', () => {
  let redis: Redis;
  let state: ChainState;
  let accumulator: ContextAccumulator;
  let chainId: string;

  before(() => {
    redis = new Redis({ lazyConnect: false, maxRetriesPerRequest: 1 });
    state = new ChainState(redis, { ttlSeconds: 600 });
    accumulator = new ContextAccumulator(redis, { ttlSeconds: 600 });
  });
  after(() => redis.quit());

  beforeEach(() => {
    chainId = `test-${randomUUID().slice(0, 8)}`;
  });
  afterEach(() => accumulator.cleanupChain(chainId));

  async function create(graph = diamond, budgetUsd?: number): Promise<string[]> {
    const spec: ChainSpec = {
      chainId,
      request: 'test',
      model: 'claude-sonnet-5-5',
      graph,
      createdAt: new Date().toISOString(),
    };
    return state.create(spec, budgetUsd);
  }

  async function run(taskId: string, costUsd = 0.01): Promise<string[]> {
    const token = randomUUID();
    const started = await state.start(chainId, taskId, token, 0.02);
    assert.equal(started.kind, 'run', `${taskId} starts`);
    assert.equal(await state.commit(chainId, token, result(taskId, costUsd)), 'committed');
    const completed = await state.complete(chainId, taskId);
    return completed.released.map((released) => released.taskId);
  }

  it('queues the roots, and releases each dependent exactly when its last dependency succeeds', async () => {
    assert.deepEqual((await create()).sort(), ['a', 'e']);
    assert.equal((await state.states(chainId)).d, 'waiting');
    assert.deepEqual((await run('a')).sort(), ['b', 'c']);
    assert.deepEqual(await run('b'), []);
    assert.deepEqual(await run('c'), ['d']);
    await run('e');
    const token = randomUUID();
    await state.start(chainId, 'd', token, 0);
    await state.commit(chainId, token, result('d'));
    const last = await state.complete(chainId, 'd');
    assert.equal(last.finished, 'succeeded');
    const meta = await state.meta(chainId);
    assert.equal(meta?.status, 'succeeded');
    assert.equal(meta?.remaining, 0);
    assert.ok(Math.abs((meta?.spentUsd ?? 0) - 0.05) < 1e-9, 'spend is the sum of committed runs');
    assert.equal(meta?.reservedUsd, 0, 'every reservation was released');
  });

  it('reads the results asked for with the claim, and leaves out those Redis does not have', async () => {
    await create();
    await run('a');
    await run('c');
    const started = await state.start(chainId, 'b', randomUUID(), 0, ['a', 'e', 'c']);
    assert.equal(started.kind, 'run');
    assert.deepEqual(
      started.kind === 'run' ? [...started.results.keys()] : [],
      ['a', 'c'],
      'e has no result yet: it is absent, and c after it is still c',
    );
    assert.equal(started.kind === 'run' ? started.results.get('c')?.summary : undefined, 'did c');
    // More keys than Lua can unpack at once (about 8,000): read in slices, in order.
    const many = Array.from({ length: 9000 }, (_, index) => (index === 8500 ? 'a' : `missing-${index}`));
    const wide = await state.start(chainId, 'e', randomUUID(), 0, many);
    assert.deepEqual(wide.kind === 'run' ? [...wide.results.keys()] : wide, ['a']);
    assert.deepEqual(
      await state.start(chainId, 'a', randomUUID(), 0, ['c']),
      { kind: 'done', state: 'succeeded' },
      'a refused claim reads nothing',
    );
  });

  it('never runs or releases anything twice when a job is delivered again', async () => {
    await create();
    await run('a');
    assert.deepEqual(await state.start(chainId, 'a', randomUUID(), 0), { kind: 'done', state: 'succeeded' });
    const again = await state.complete(chainId, 'a');
    assert.equal(again.noop, true);
    assert.deepEqual(again.released, []);
    const pending = await redis.hgetall(`chain:${chainId}:pending`);
    assert.equal(pending.b, '0');
    assert.equal(pending.d, '2', 'd still waits for both b and c');
  });

  it('lets only the newest run of a task commit its result', async () => {
    await create();
    const first = randomUUID();
    const second = randomUUID();
    assert.deepEqual(await state.start(chainId, 'a', first, 0), { kind: 'run', attempt: 1, results: new Map() });
    // The first run lost its lock and the job was delivered again.
    assert.deepEqual(await state.start(chainId, 'a', second, 0), { kind: 'run', attempt: 2, results: new Map() });
    assert.equal(await state.commit(chainId, first, result('a', 1)), 'stale', 'the older run is stale');
    assert.equal(await state.commit(chainId, second, result('a', 0.5)), 'committed');
    assert.equal(await state.commit(chainId, first, result('a', 1)), 'stale');
    assert.equal((await state.meta(chainId))?.spentUsd, 0.5, 'only the committed run is counted');
    // Completion takes the run too: the stale run can never complete the task with its files.
    assert.equal((await state.complete(chainId, 'a', undefined, first)).noop, true);
    assert.equal((await state.states(chainId)).a, 'generated');
    assert.deepEqual(
      (await state.complete(chainId, 'a', undefined, second)).released.map((each) => each.taskId).sort(),
      ['b', 'c'],
    );
  });

  it('skips the dependents of a failed task and ends partial', async () => {
    await create();
    await run('a');
    const token = randomUUID();
    await state.start(chainId, 'b', token, 0);
    assert.equal(await state.fail(chainId, 'b', 'Claude refused', token), undefined);
    const states = await state.states(chainId);
    assert.equal(states.b, 'failed');
    assert.equal(states.d, 'skipped');
    await run('c');
    await run('e');
    const meta = await state.meta(chainId);
    assert.equal(meta?.status, 'partial');
    const { errors } = await state.taskDetails(chainId);
    assert.equal(errors.b, 'Claude refused');
    assert.match(errors.d ?? '', /depends on b/);
  });

  it('retries a failed task on request: it runs again, its skipped dependents wait again, the chain goes on', async () => {
    await create();
    await run('a');
    await run('c');
    await run('e');
    const token = randomUUID();
    await state.start(chainId, 'b', token, 0);
    assert.equal(await state.fail(chainId, 'b', 'Claude refused', token), 'partial');
    assert.equal((await state.states(chainId)).d, 'skipped');

    const retried = await state.retry(chainId, 'b');
    assert.equal(retried.kind, 'queued');
    assert.equal(retried.kind === 'queued' && retried.job.taskId, 'b');
    const states = await state.states(chainId);
    assert.equal(states.b, 'queued');
    assert.equal(states.d, 'waiting');
    const meta = await state.meta(chainId);
    assert.equal(meta?.status, 'running');
    assert.equal(meta?.remaining, 2);
    assert.deepEqual(await run('b'), ['d'], 'd is released when b succeeds, as c already did');
    await run('d');
    assert.equal((await state.meta(chainId))?.status, 'succeeded');
    assert.deepEqual(await state.retry(chainId, 'a'), { kind: 'noop', state: 'succeeded' });
  });

  it('puts a running task back in the queue for a retry, only for the run that holds it', async () => {
    await create();
    const token = randomUUID();
    await state.start(chainId, 'a', token, 0.3);
    assert.equal(await state.requeue(chainId, 'a', randomUUID(), 'other run'), false);
    assert.equal(await state.requeue(chainId, 'a', token, '529 overloaded'), true);
    assert.equal((await state.states(chainId)).a, 'queued');
    assert.equal((await state.meta(chainId))?.reservedUsd, 0);
  });

  it('cancels: nothing new starts, running tasks are cancelled by their workers, then the chain is cancelled', async () => {
    await create();
    const token = randomUUID();
    await state.start(chainId, 'a', token, 0);
    assert.equal(await state.cancel(chainId), 'cancelling');
    assert.deepEqual(await state.start(chainId, 'e', randomUUID(), 0), { kind: 'done', state: 'cancelled' });
    // The run finished anyway: its cost counts, its result is dropped, the task is cancelled.
    assert.equal(await state.commit(chainId, token, result('a', 0.03)), 'cancelled');
    assert.equal((await state.states(chainId)).a, 'cancelled');
    assert.equal((await state.complete(chainId, 'a')).noop, true, 'nothing to complete, nothing released');
    assert.equal((await accumulator.getResult(chainId, 'a')) ?? null, null);
    const meta = await state.meta(chainId);
    assert.equal(meta?.status, 'cancelled');
    assert.equal(meta?.spentUsd, 0.03);
  });

  it('stops scheduling when the budget would be exceeded and ends budget_exceeded', async () => {
    await create(diamond, 0.05);
    const token = randomUUID();
    assert.equal((await state.start(chainId, 'a', token, 0.02)).kind, 'run');
    await state.commit(chainId, token, result('a', 0.04));
    await state.complete(chainId, 'a');
    // 0.04 spent + 0.02 estimated > 0.05: nothing more starts.
    assert.deepEqual(await state.start(chainId, 'b', randomUUID(), 0.02), { kind: 'budget' });
    const meta = await state.meta(chainId);
    assert.equal(meta?.status, 'budget_exceeded');
    assert.equal(meta?.stopReason, 'budget_exceeded');
  });

  it('stops the chain on an account spend limit; a retry lifts the stop and reopens everything it skipped', async () => {
    const graph = validateTaskGraph({ tasks: [task('a'), task('b'), task('c', ['a', 'b']), task('r')] });
    await create(graph);
    const token = randomUUID();
    await state.start(chainId, 'a', token, 0);
    const running = randomUUID();
    await state.start(chainId, 'r', running, 0);
    assert.equal(await state.fail(chainId, 'a', 'spend limit', token, 'spend_limit'), undefined, 'r still runs');
    assert.deepEqual(await state.states(chainId), { a: 'failed', b: 'skipped', c: 'skipped', r: 'running' });
    await state.commit(chainId, running, result('r'));
    await state.complete(chainId, 'r');
    assert.equal((await state.meta(chainId))?.status, 'budget_exceeded');

    const retried = await state.retry(chainId, 'a');
    assert.equal(retried.kind, 'queued');
    assert.equal((await state.meta(chainId))?.stopReason, undefined, 'the stop is lifted');
    assert.deepEqual(await state.states(chainId), { a: 'queued', b: 'queued', c: 'waiting', r: 'succeeded' });
    assert.deepEqual(await run('a'), [], 'c still waits for b');
    assert.deepEqual(await run('b'), ['c']);
    await run('c');
    assert.equal((await state.meta(chainId))?.status, 'succeeded');
  });

  it('ends budget_exceeded when the task that hit the spend limit was the last one', async () => {
    await create(validateTaskGraph({ tasks: [task('only')] }));
    const token = randomUUID();
    await state.start(chainId, 'only', token, 0);
    assert.equal(await state.fail(chainId, 'only', 'spend limit', token, 'spend_limit'), 'budget_exceeded');
  });

  it('keeps every key of the chain under a TTL', async () => {
    await create();
    await run('a');
    await state.fail(chainId, 'b', 'x');
    let cursor = '0';
    const keys: string[] = [];
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `chain:${chainId}:*`);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    assert.ok(keys.length >= 8);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      assert.ok(ttl > 0 && ttl <= 600, `${key} has a TTL (${ttl})`);
    }
  });
});
