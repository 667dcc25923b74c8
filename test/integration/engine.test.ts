/**
 * The chain engine end to end on real Redis, PostgreSQL and BullMQ, with the real Anthropic
 * SDK talking to the local Messages-API fake: ordering and parallelism, context scoping,
 * faults and retries, refused paths, and invalid plans.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, symlink, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidTaskGraphError } from '../../server/src/decomposer/taskGraph';
import { TEST_API_KEY, planTask, startHarness, type Harness } from '../helpers/engineHarness';

const file = (name: string, body = `export const ${name.replace(/\W/g, '_')} = 1;\n`) => ({
  path: name,
  content: body,
});

describe('the chain engine on real services', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('runs a diamond in dependency order, with the independent middle tasks overlapping', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('a'), planTask('b', ['a']), planTask('c', ['a']), planTask('d', ['b', 'c'])] }],
      tasks: {
        a: { files: [file('src/a.ts')], delayMs: 50 },
        b: { files: [file('src/b.ts')], delayMs: 400 },
        c: { files: [file('src/c.ts')], delayMs: 400 },
        d: { files: [file('src/d.ts')], delayMs: 50 },
      },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded');
    const record = await harness.engine.repository.find(run.created.chainId);
    const byId = new Map(record!.tasks.map((task) => [task.taskId, task]));
    const time = (id: string, edge: 'startedAt' | 'finishedAt') => byId.get(id)![edge]!.getTime();
    assert.ok(time('b', 'startedAt') >= time('a', 'finishedAt'), 'b starts after a');
    assert.ok(time('c', 'startedAt') >= time('a', 'finishedAt'), 'c starts after a');
    assert.ok(time('d', 'startedAt') >= Math.max(time('b', 'finishedAt'), time('c', 'finishedAt')), 'd after b and c');
    assert.ok(
      time('b', 'startedAt') < time('c', 'finishedAt') && time('c', 'startedAt') < time('b', 'finishedAt'),
      'b and c overlap in time',
    );
    for (const name of ['a', 'b', 'c', 'd']) {
      assert.equal(
        await readFile(path.join(harness.workspace, 'src', `${name}.ts`), 'utf8'),
        file(`src/${name}.ts`).content,
      );
    }
    assert.deepEqual(byId.get('b')?.files, ['src/b.ts']);
    const jobs = await harness.engine.queue.getJobs(['completed'], 0, 100);
    assert.equal(jobs.length, 4);
    for (const job of jobs) {
      assert.deepEqual(Object.keys(job.data).sort(), ['chainId', 'taskId'], 'a job names its task and nothing else');
      assert.doesNotMatch(JSON.stringify(job), new RegExp(TEST_API_KEY));
    }
  });

  it("gives a dependent its ancestors' output and not an unrelated task's", async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('schema'), planTask('api', ['schema']), planTask('styles', [], 'frontend')] }],
      tasks: {
        schema: {
          files: [file('db/schema.ts', 'export type Todo = { id: string; title: string };\n')],
          summary: 'Defines Todo.',
        },
        api: { files: [file('server/todos.ts')] },
        styles: { files: [file('web/styles.css', '.unrelated-marker { color: red }\n')], summary: 'UNRELATED-SUMMARY' },
      },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded');
    const prompt = harness.fake.requestsFor('api').find((request) => request.turn === 0)!.firstUserText;
    assert.match(prompt, /export type Todo = \{ id: string; title: string \};/);
    assert.match(prompt, /Defines Todo\./);
    assert.doesNotMatch(prompt, /unrelated-marker/);
    assert.doesNotMatch(prompt, /UNRELATED-SUMMARY/);
    const received = await harness.engine.accumulator.getContext(run.created.chainId, 'api');
    assert.deepEqual(
      received?.tasks.map((task) => task.taskId),
      ['schema'],
      'what api received is recorded',
    );
  });

  it('survives 529, a 429 with retry-after and an error mid-stream, writing each file once and whole', async () => {
    const big = `export const data = ${JSON.stringify('x'.repeat(20_000))};\n`;
    harness = await startHarness({
      plans: [{ tasks: [planTask('overloaded'), planTask('limited'), planTask('broken')] }],
      tasks: {
        overloaded: {
          files: [file('a.ts')],
          faults: [
            { kind: 'http', status: 529 },
            { kind: 'http', status: 529 },
          ],
        },
        limited: { files: [file('b.ts')], faults: [{ kind: 'http', status: 429, retryAfterSeconds: 1 }] },
        broken: { files: [file('c.ts', big)], faults: [{ kind: 'streamError' }] },
      },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded', harness.logs.join('\n'));
    assert.equal(await readFile(path.join(harness.workspace, 'c.ts'), 'utf8'), big, 'never truncated');
    const record = await harness.engine.repository.find(run.created.chainId);
    const attempts = Object.fromEntries(record!.tasks.map((task) => [task.taskId, task.attempts]));
    assert.equal(attempts.overloaded, 3);
    assert.equal(attempts.broken, 2);
    const limited = harness.fake.requestsFor('limited').filter((request) => request.turn === 0);
    assert.equal(limited.length, 2);
    assert.ok(
      limited[1]!.at - limited[0]!.at >= 950,
      `the retry-after of 1 s was honoured (${limited[1]!.at - limited[0]!.at} ms)`,
    );
    const retried = run.events.filter((event) => event.type === 'task.retrying').map((event) => event.taskId);
    assert.ok(retried.includes('limited') && retried.includes('overloaded') && retried.includes('broken'));
    // Written once: each file has one ledger entry and one 'created' outcome.
    const ledger = await harness.engine.prisma.chainFile.findMany({ where: { chainId: run.created.chainId } });
    assert.deepEqual(ledger.map((entry) => entry.path).sort(), ['a.ts', 'b.ts', 'c.ts']);
  });

  it('fails fast on a rejected API key (401), without retrying', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('only')] }],
      tasks: { only: { files: [file('x.ts')], faults: [{ kind: 'http', status: 401 }] } },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'failed');
    assert.equal(harness.fake.requestsFor('only').length, 1, 'one call, no retry');
    const record = await harness.engine.repository.find(run.created.chainId);
    assert.match(record!.tasks[0]!.error ?? '', /rejected the API key \(401\)/);
  });

  it('refuses plans with a cycle, an unknown dependency, duplicate ids or too many tasks — before anything runs', async () => {
    const bad = [
      { tasks: [planTask('a', ['b']), planTask('b', ['a'])] },
      { tasks: [planTask('a', ['ghost'])] },
      { tasks: [planTask('a'), planTask('a')] },
      { tasks: Array.from({ length: 41 }, (_, index) => planTask(`t${index}`)) },
    ];
    const expected = [/cycle: a → b → a/, /unknown task "ghost"/, /used more than once/, /41 tasks; at most 40/];
    const current = await startHarness({ plans: [bad[0]] });
    harness = current;
    for (const [index, plan] of bad.entries()) {
      current.fake.setScript({ plans: [plan] });
      const before: number = current.fake.requests.length;
      await assert.rejects(current.build(), (error: unknown) => {
        assert.ok(error instanceof InvalidTaskGraphError);
        assert.match(error.message, expected[index]!);
        return true;
      });
      const decompositions = current.fake.requests.slice(before).filter((request) => request.kind === 'decompose');
      assert.equal(decompositions.length, 2, 'one repair call was made');
      assert.match(JSON.stringify(decompositions[1]!.body.messages), /The plan was refused/);
    }
    assert.equal(harness.fake.requests.filter((request) => request.kind === 'task').length, 0, 'no task ran');
    assert.equal(await harness.engine.prisma.chain.count(), 0, 'no chain was recorded');
    // Task jobs carry a priority (taskPriority.ts): BullMQ keeps them as 'prioritized', not 'waiting'.
    assert.deepEqual(await harness.engine.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'), {
      waiting: 0,
      prioritized: 0,
      active: 0,
      delayed: 0,
    });
  });

  it('accepts a plan repaired by the second call', async () => {
    harness = await startHarness({
      plans: [{ tasks: [planTask('a', ['a'])] }, { tasks: [planTask('a')] }],
      tasks: { a: { files: [file('a.ts')] } },
    });
    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded');
  });

  describe('paths that leave the workspace', () => {
    let outside: string;
    beforeEach(async () => {
      outside = await mkdtemp(path.join(tmpdir(), 'takoss-outside-'));
    });
    afterEach(() => rm(outside, { recursive: true, force: true }));

    for (const evil of ['../x.txt', '/etc/takoss-x.txt', 'a/../../x.txt']) {
      it(`refuses ${evil}: the task fails with the reason and nothing is written`, async () => {
        harness = await startHarness({
          plans: [{ tasks: [planTask('evil'), planTask('after', ['evil'])] }],
          tasks: { evil: { files: [file('ok.ts'), file(evil, 'pwned')] } },
        });
        const run = await harness.build();
        assert.equal(run.result.status, 'failed');
        const record = await harness.engine.repository.find(run.created.chainId);
        const evilTask = record!.tasks.find((task) => task.taskId === 'evil')!;
        assert.equal(evilTask.status, 'failed');
        assert.match(evilTask.error ?? '', /refused path/);
        assert.equal(record!.tasks.find((task) => task.taskId === 'after')?.status, 'skipped');
        assert.deepEqual(await readdir(harness.workspace), [], 'not even the good file of the task was written');
        assert.equal(harness.fake.requestsFor('evil').length, 1, 'a refused path is not retried');
      });
    }

    it('refuses a path through a symlink to outside, and one into a sibling folder with the same prefix', async () => {
      harness = await startHarness({
        plans: [{ tasks: [planTask('link'), planTask('sibling')] }],
        tasks: {
          link: { files: [file('escape/evil.txt', 'pwned')] },
          sibling: { files: [file('prefix/evil.txt', 'pwned')] },
        },
      });
      await symlink(outside, path.join(harness.workspace, 'escape'));
      const sibling = `${harness.workspace}-evil`;
      await mkdir(sibling, { recursive: true });
      await symlink(sibling, path.join(harness.workspace, 'prefix'));
      try {
        const run = await harness.build();
        assert.equal(run.result.status, 'failed');
        const record = await harness.engine.repository.find(run.created.chainId);
        for (const task of record!.tasks) {
          assert.equal(task.status, 'failed');
          assert.match(task.error ?? '', /outside the workspace|symlink/i);
        }
        assert.deepEqual(await readdir(outside), []);
        assert.deepEqual(await readdir(sibling), []);
      } finally {
        await rm(sibling, { recursive: true, force: true });
      }
    });
  });
});
