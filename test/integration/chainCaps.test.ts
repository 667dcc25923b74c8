/**
 * Per-chain caps (issue 7, case 18): tasks each within their own caps cannot add up to more
 * than the chain may write. The task that would cross a cap fails naming it, and none of its
 * files are written; what came before stays.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

const small = (name: string) => ({ path: name, content: `// ${name}\n` });

describe('per-chain write caps', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('fail the task that would cross maxChainFiles or maxChainBytes, writing none of its files', async () => {
    harness = await startHarness(
      {
        plans: [{ tasks: [planTask('one'), planTask('two', ['one']), planTask('three', ['two'])] }],
        tasks: {
          one: { files: [small('one-a.ts'), small('one-b.ts')] },
          two: { files: [small('two-a.ts'), small('two-b.ts')] },
          three: { files: [small('three-a.ts'), small('three-b.ts')] },
        },
      },
      { chainLimits: { maxChainFiles: 5, maxChainBytes: 1000 } },
    );
    const byFiles = await harness.build('Build by files');
    assert.equal(byFiles.result.status, 'partial');
    let record = await harness.engine.repository.find(byFiles.created.chainId);
    const three = record!.tasks.find((task) => task.taskId === 'three');
    assert.equal(three?.status, 'failed');
    assert.match(
      three?.error ?? '',
      /would have written 6 files, over maxChainFiles 5; nothing of this task was written/,
    );
    assert.deepEqual((await readdir(harness.workspace)).sort(), ['one-a.ts', 'one-b.ts', 'two-a.ts', 'two-b.ts']);

    const big = (name: string) => ({ path: name, content: 'x'.repeat(600) });
    harness.fake.setScript({
      plans: [{ tasks: [planTask('first'), planTask('second', ['first'])] }],
      tasks: { first: { files: [big('first.txt')] }, second: { files: [big('second.txt')] } },
    });
    const byBytes = await harness.build('Build by bytes');
    record = await harness.engine.repository.find(byBytes.created.chainId);
    const second = record!.tasks.find((task) => task.taskId === 'second');
    assert.equal(second?.status, 'failed');
    assert.match(second?.error ?? '', /would have written 1200 bytes, over maxChainBytes 1000/);
    assert.ok((await readdir(harness.workspace)).includes('first.txt'));
    assert.ok(!(await readdir(harness.workspace)).includes('second.txt'));
  });

  it('hold when tasks apply their files at the same moment', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    harness = await startHarness(
      {
        plans: [{ tasks: ids.map((id) => planTask(id)) }],
        tasks: Object.fromEntries(ids.map((id) => [id, { files: [small(`${id}.ts`)] }])),
      },
      { chainLimits: { maxChainFiles: 3 } },
    );
    const run = await harness.build('Build six at once', { concurrency: 6 });
    const record = await harness.engine.repository.find(run.created.chainId);
    const statuses = record!.tasks.map((task) => task.status);
    assert.equal(statuses.filter((status) => status === 'succeeded').length, 3, statuses.join(', '));
    assert.equal(statuses.filter((status) => status === 'failed').length, 3);
    assert.equal((await readdir(harness.workspace)).length, 3, 'never more files than the cap');
  });
});
