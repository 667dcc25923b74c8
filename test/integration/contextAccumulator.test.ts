import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ContextAccumulator } from '../../server/src/context/contextAccumulator';
import { scopeContext, renderContext, MissingContextError } from '../../server/src/context/contextScope';
import type { TaskResult } from '../../server/src/context/types';
import { validateTaskGraph } from '../../server/src/decomposer/taskGraph';
import { ZERO_USAGE } from '../../server/src/llm/usage';
import { toGeneratedFile } from '../../server/src/worker/taskRunner';

function result(taskId: string, files: Record<string, string> = {}): TaskResult {
  return {
    taskId,
    title: `Task ${taskId}`,
    summary: `summary of ${taskId}`,
    files: Object.entries(files).map(([path, content]) => toGeneratedFile(path, content)),
    usage: ZERO_USAGE,
    model: 'claude-sonnet-5-5',
    attempt: 1,
    completedAt: new Date().toISOString(),
  };
}

describe('ContextAccumulator on a real Redis', () => {
  let redis: Redis;
  let accumulator: ContextAccumulator;
  let chainId: string;

  before(() => {
    redis = new Redis({ maxRetriesPerRequest: 1 });
    accumulator = new ContextAccumulator(redis, { ttlSeconds: 120, maxHistory: 3 });
  });
  after(() => redis.quit());
  beforeEach(() => {
    chainId = `acc-${randomUUID().slice(0, 8)}`;
  });
  afterEach(() => accumulator.cleanupChain(chainId));

  it('stores a result under chain:<id>:result:<task> with its TTL and a history event, in one MULTI', async () => {
    await accumulator.storeResult(chainId, result('api', { 'server/index.ts': 'export {}' }));
    const raw = await redis.get(`chain:${chainId}:result:api`);
    assert.ok(raw);
    const ttl = await redis.ttl(`chain:${chainId}:result:api`);
    assert.ok(ttl > 100 && ttl <= 120, `TTL ${ttl}`);
    assert.deepEqual(
      (await accumulator.getResult(chainId, 'api'))?.files.map((file) => file.path),
      ['server/index.ts'],
    );
    const history = await accumulator.getHistory(chainId);
    assert.equal(history.length, 1);
    assert.equal(history[0]?.type, 'result.stored');
    assert.equal(history[0]?.taskId, 'api');
    assert.ok((await redis.ttl(`chain:${chainId}:history`)) > 100);
  });

  it('returns nothing for a missing result, and several results in one call', async () => {
    assert.equal(await accumulator.getResult(chainId, 'nope'), undefined);
    await accumulator.storeResult(chainId, result('a'));
    await accumulator.storeResult(chainId, result('b'));
    const results = await accumulator.getResults(chainId, ['a', 'b', 'c']);
    assert.deepEqual([...results.keys()].sort(), ['a', 'b']);
  });

  it('keeps the history bounded, newest last', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await accumulator.storeResult(chainId, result(id));
    assert.deepEqual(
      (await accumulator.getHistory(chainId)).map((event) => event.taskId),
      ['c', 'd', 'e'],
    );
  });

  it('reports stats: results, bytes, history, TTL and task states', async () => {
    await accumulator.storeResult(chainId, result('a', { 'a.txt': 'x'.repeat(1000) }));
    await redis.hset(`chain:${chainId}:states`, { a: 'succeeded', b: 'running', c: 'waiting' });
    const stats = await accumulator.getChainStats(chainId);
    assert.equal(stats.results, 1);
    assert.ok(stats.resultBytes > 1000);
    assert.equal(stats.historyLength, 1);
    assert.ok(stats.ttlSeconds > 100);
    assert.deepEqual(stats.tasks, { succeeded: 1, running: 1, waiting: 1 });
  });

  it('refreshes the TTL of every key of a live chain', async () => {
    await accumulator.storeResult(chainId, result('a'));
    await redis.expire(`chain:${chainId}:result:a`, 5);
    await redis.expire(`chain:${chainId}:history`, 5);
    await accumulator.refreshTtl(chainId, ['a']);
    assert.ok((await redis.ttl(`chain:${chainId}:result:a`)) > 100);
    assert.ok((await redis.ttl(`chain:${chainId}:history`)) > 100);
  });

  it('cleans up every key of the chain and nothing else', async () => {
    const other = `acc-${randomUUID().slice(0, 8)}`;
    await accumulator.storeResult(chainId, result('a'));
    await accumulator.storeResult(other, result('a'));
    assert.equal(await accumulator.cleanupChain(chainId), 2);
    assert.equal(await accumulator.getResult(chainId, 'a'), undefined);
    assert.ok(await accumulator.getResult(other, 'a'));
    await accumulator.cleanupChain(other);
  });
});

describe('context scoping', () => {
  /** a → b → d, c → d, e unrelated. */
  const graph = validateTaskGraph({
    tasks: [
      { id: 'a', title: 'A', description: 'a', category: 'general', dependsOn: [] },
      { id: 'b', title: 'B', description: 'b', category: 'general', dependsOn: ['a'] },
      { id: 'c', title: 'C', description: 'c', category: 'general', dependsOn: [] },
      { id: 'd', title: 'D', description: 'd', category: 'general', dependsOn: ['b', 'c'] },
      { id: 'e', title: 'E', description: 'e', category: 'general', dependsOn: [] },
    ],
  });
  const results = new Map(
    ['a', 'b', 'c', 'e'].map((id) => [id, result(id, { [`${id}.ts`]: `// file of ${id}\n` })] as const),
  );

  it('gives direct dependencies in full, farther ancestors as summary and file list, and nothing else', () => {
    const scoped = scopeContext(graph, 'd', results);
    const text = renderContext(scoped);
    assert.match(text, /\/\/ file of b/);
    assert.match(text, /\/\/ file of c/);
    assert.doesNotMatch(text, /\/\/ file of a/, 'an indirect ancestor gives no file content');
    assert.match(text, /summary of a/);
    assert.match(text, /- a\.ts/);
    assert.doesNotMatch(text, /of e/, 'an unrelated task gives nothing');
    assert.deepEqual(
      scoped.received.tasks.map((task) => [task.taskId, task.relation]),
      [
        ['b', 'direct'],
        ['c', 'direct'],
        ['a', 'ancestor'],
      ],
    );
  });

  it('lists files that do not fit the budget instead of including them', () => {
    const big = new Map(results);
    big.set('b', result('b', { 'big.ts': 'x'.repeat(10_000), 'small.ts': 'y' }));
    const scoped = scopeContext(graph, 'd', big, { tokenBudget: 100 });
    const files = scoped.received.tasks.find((task) => task.taskId === 'b')?.files;
    assert.deepEqual(
      files?.map((file) => [file.path, file.included]),
      [
        ['big.ts', false],
        ['small.ts', true],
      ],
    );
  });

  it('fails fast, naming the missing upstream task, instead of running with empty context', () => {
    const partial = new Map(results);
    partial.delete('a');
    assert.throws(
      () => scopeContext(graph, 'd', partial),
      (error: unknown) => {
        assert.ok(error instanceof MissingContextError);
        assert.deepEqual(error.missing, ['a']);
        assert.match(error.message, /output of "a" is no longer in Redis/);
        return true;
      },
    );
  });
});
