/**
 * Claude API faults the engine must end as documented (issue 7, case 21): overload that never
 * ends, a TCP reset and a silent stream midway. Each with bounded attempts and each file
 * written once and whole, or not at all.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

const ATTEMPTS = 3;
// Large enough that a cut stream cannot have delivered it whole.
const big = (name: string) => ({
  path: name,
  content: `export const ${name.replace(/\W/g, '_')} = ${JSON.stringify('x'.repeat(30_000))};\n`,
});

describe('Claude API faults, end to end', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('gives up on a task after its attempts when Claude stays overloaded (529), writing nothing for it', async () => {
    harness = await startHarness(
      {
        plans: [{ tasks: [planTask('fine'), planTask('overloaded')] }],
        tasks: {
          fine: { files: [big('fine.ts')] },
          overloaded: {
            files: [big('overloaded.ts')],
            faults: Array.from({ length: ATTEMPTS + 2 }, () => ({ kind: 'http' as const, status: 529 })),
          },
        },
      },
      { queue: { attempts: ATTEMPTS } },
    );
    const run = await harness.build();
    assert.equal(run.result.status, 'partial');
    assert.equal(harness.fake.requestsFor('overloaded').length, ATTEMPTS, 'exactly the allowed attempts');
    const record = await harness.engine.repository.find(run.created.chainId);
    const overloaded = record!.tasks.find((task) => task.taskId === 'overloaded');
    assert.equal(overloaded?.status, 'failed');
    assert.equal(overloaded?.attempts, ATTEMPTS);
    assert.match(overloaded?.error ?? '', /unavailable \(529\)/);
    assert.deepEqual(await readdir(harness.workspace), ['fine.ts']);
  });

  it('retries a task whose connection is reset midway, and writes its file once, whole', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('reset')] }],
      tasks: { reset: { files: [big('reset.ts')], faults: [{ kind: 'reset', afterEvents: 3 }] } },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded', harness.logs.join('\n'));
    assert.equal(harness.fake.runsOf('reset'), 2);
    assert.equal(await readFile(path.join(harness.workspace, 'reset.ts'), 'utf8'), big('reset.ts').content);
    const record = await harness.engine.repository.find(run.created.chainId);
    assert.deepEqual(record!.tasks[0]!.files, ['reset.ts'], 'one write, by the attempt that finished');
    assert.equal(record!.tasks[0]!.attempts, 2);
  });

  it('aborts a stream that goes silent after the idle timeout and retries, instead of hanging', async () => {
    harness = await startHarness(
      {
        plans: [{ tasks: [planTask('silent')] }],
        tasks: { silent: { files: [big('silent.ts')], faults: [{ kind: 'hang', afterEvents: 3 }] } },
      },
      { claude: { idleTimeoutMs: 500 } },
    );
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded', harness.logs.join('\n'));
    assert.equal(harness.fake.runsOf('silent'), 2);
    assert.equal(await readFile(path.join(harness.workspace, 'silent.ts'), 'utf8'), big('silent.ts').content);
  });

  it('stops the whole chain when the account reaches its spend limit: no retry, nothing else starts', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('first'), planTask('second'), planTask('third', ['first'])] }],
      tasks: {
        first: {
          files: [big('first.ts')],
          faults: [
            {
              kind: 'http',
              status: 429,
              errorType: 'rate_limit_error',
              message: 'You have reached your specified API usage limits. You will regain access on 2026-12-01.',
            },
          ],
        },
        second: { files: [big('second.ts')] },
        third: { files: [big('third.ts')] },
      },
    });
    const run = await harness.build('Build it', { concurrency: 1 });
    assert.equal(run.result.status, 'budget_exceeded');
    assert.equal(harness.fake.requestsFor('first').length, 1, 'a spend limit is not retried');
    assert.equal(
      harness.fake.requestsFor('second').length + harness.fake.requestsFor('third').length,
      0,
      'nothing else started',
    );
    const record = await harness.engine.repository.find(run.created.chainId);
    assert.deepEqual(
      record!.tasks.map((task) => [task.taskId, task.status]),
      [
        ['first', 'failed'],
        ['second', 'skipped'],
        ['third', 'skipped'],
      ],
    );
    assert.match(
      record!.tasks[0]!.error ?? '',
      /spend limit: .*usage limits.*Raise the limit in the Anthropic console/,
    );
    assert.match(record!.error ?? '', /The Anthropic account reached its spend limit/);
    assert.deepEqual(await readdir(harness.workspace), []);
  });
});
