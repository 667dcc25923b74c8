/**
 * `takoss build` and `takoss chains …` as a user runs them: the built CLI in a child
 * process, real services, the Messages-API fake. Includes killing a build with SIGKILL
 * mid-chain and resuming it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_CONFIG } from '../../server/src/config';
import { runCli, stopProcess } from '../helpers/cli';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { TEST_API_KEY, planTask } from '../helpers/engineHarness';
import { CLI_BUNDLE } from '../helpers/paths';
import { removeLeftoversFromSharedRedis } from '../helpers/sharedRedisCleanup';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fakeAnthropic';
import {
  BROKEN_SUM,
  CORRECT_SUM,
  ENV_RECORD,
  STILL_BROKEN_SUM,
  SUM_REQUEST,
  sumProjectScript,
} from '../fixtures/verify/verifyChain';

interface BuildSummaryJson {
  chainId: string;
  status: string;
  verification?: { outcome: string; step?: string; repairs: number };
  tasks: { id: string; status: string }[];
}

const todoPlan = {
  tasks: [
    planTask('setup', [], 'devops'),
    planTask('api', ['setup']),
    planTask('ui', ['setup'], 'frontend'),
    planTask('readme', ['api', 'ui'], 'docs'),
  ],
};

const todoFiles = {
  setup: { files: [{ path: 'package.json', content: '{\n  "name": "todo",\n  "private": true\n}\n' }] },
  api: { files: [{ path: 'server/index.js', content: "const express = require('express');\n" }] },
  ui: { files: [{ path: 'web/App.jsx', content: 'export function App() { return <h1>Todos</h1>; }\n' }] },
  readme: { files: [{ path: 'README.md', content: '# Todo\n\nnpm install && npm start\n' }] },
};

/** The chain id once `setup` succeeded and `api` runs; undefined before (or before the database exists). */
async function chainPastItsFirstTask(url: string): Promise<string | undefined> {
  const pg = new Client({ connectionString: url });
  try {
    await pg.connect();
    const { rows } = await pg.query<{ chainId: string; taskId: string; status: string }>(
      `SELECT "chainId", "taskId", status FROM "ChainTask"`,
    );
    const setup = rows.find((row) => row.taskId === 'setup');
    const apiRunning = rows.some((row) => row.taskId === 'api' && row.status === 'running');
    return setup?.status === 'succeeded' && apiRunning ? setup.chainId : undefined;
  } catch {
    return undefined;
  } finally {
    await pg.end().catch(() => undefined);
  }
}

describe('takoss build and chains (CLI)', function () {
  this.timeout(90_000);
  let fake: FakeAnthropic;
  let database: TestDatabase;
  let workspace: string;
  let env: NodeJS.ProcessEnv;
  let queueName: string;
  /** Builds started in the background, stopped before the test's queue and database go. */
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeAnthropic({ plans: [todoPlan], tasks: todoFiles });
    database = freshDatabase();
    queueName = `cli-${randomBytes(4).toString('hex')}`;
    workspace = path.join(await mkdtemp(path.join(tmpdir(), 'takoss-cli-')), 'todo');
    env = {
      DATABASE_URL: database.url,
      ANTHROPIC_API_KEY: TEST_API_KEY,
      ANTHROPIC_BASE_URL: fake.baseUrl,
      TAKOSS_QUEUE_NAME: queueName,
      TAKOSS_RETRY_BACKOFF_MS: '50',
      TAKOSS_LOCK_DURATION_MS: '2000',
      TAKOSS_STALLED_INTERVAL_MS: '1000',
    };
  });

  afterEach(async () => {
    try {
      await Promise.all(children.splice(0).map(stopProcess));
      await removeLeftoversFromSharedRedis({ redisUrl: DEFAULT_CONFIG.redisUrl, databaseUrl: database.url, queueName });
    } finally {
      await fake.close();
      await database.drop();
      await rm(path.dirname(workspace), { recursive: true, force: true });
    }
  });

  it('builds the Todo app into a new folder and prints the JSON summary (exit 0)', async () => {
    const result = await runCli(
      ['build', 'Build a Todo app with React and Express', '--workspace', workspace, '--json'],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as {
      chainId: string;
      status: string;
      tasks: { id: string; status: string; attempts: number; files: string[]; usage: { inputTokens: number } }[];
      files: string[];
      usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; costUsd: number };
    };
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.files, ['README.md', 'package.json', 'server/index.js', 'web/App.jsx']);
    assert.deepEqual(
      summary.tasks.map((task) => [task.id, task.status, task.attempts]),
      [
        ['setup', 'succeeded', 1],
        ['api', 'succeeded', 1],
        ['ui', 'succeeded', 1],
        ['readme', 'succeeded', 1],
      ],
    );
    assert.ok(summary.usage.inputTokens > 0 && summary.usage.costUsd > 0);
    for (const [task, script] of Object.entries(todoFiles)) {
      for (const scripted of script.files) {
        assert.equal(
          await readFile(path.join(workspace, scripted.path), 'utf8'),
          scripted.content,
          `${task}: ${scripted.path}`,
        );
      }
    }
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(TEST_API_KEY));

    const list = await runCli(['chains', 'list', '--json'], env);
    assert.equal(list.code, 0);
    assert.equal((JSON.parse(list.stdout) as { chains: { chainId: string }[] }).chains[0]?.chainId, summary.chainId);
    const show = await runCli(['chains', 'show', summary.chainId], env);
    assert.match(show.stdout, /succeeded\s+readme: Build readme after api, ui/);
    const context = await runCli(['chains', 'context', summary.chainId], env);
    assert.match(
      context.stdout,
      /readme: Build readme \[succeeded\]\n\s+received: api \(direct\), ui \(direct\), setup \(ancestor\)/,
    );
  });

  it('verifies with --verify: a failing test is repaired (exit 0); checks that stay red exit 1, verify_failed', async () => {
    fake.setScript(sumProjectScript(BROKEN_SUM, [CORRECT_SUM]));
    const repaired = await runCli(['build', SUM_REQUEST, '--workspace', workspace, '--verify', '--json'], env);
    assert.equal(repaired.code, 0, repaired.stderr);
    const summary = JSON.parse(repaired.stdout) as BuildSummaryJson;
    assert.equal(summary.verification?.outcome, 'verified');
    assert.equal(summary.verification?.repairs, 1);
    assert.deepEqual(
      summary.tasks.map((task) => [task.id, task.status]),
      [
        ['core', 'succeeded'],
        ['tests', 'succeeded'],
        ['verify-1', 'succeeded'],
        ['repair-1', 'succeeded'],
        ['verify-2', 'succeeded'],
        ['repair-2', 'unneeded'],
        ['verify-3', 'unneeded'],
      ],
    );
    assert.match(repaired.stderr, /Verification: verified — npm run test passed after 1 repair/);
    const checked = JSON.parse(await readFile(path.join(workspace, ENV_RECORD), 'utf8')) as Record<string, string>;
    assert.equal(checked.ANTHROPIC_API_KEY, undefined);
    assert.equal(checked.DATABASE_URL, undefined);
    const show = await runCli(['chains', 'show', summary.chainId], env);
    assert.match(show.stdout, /Verification: verified — npm run test passed after 1 repair/);

    fake.setScript(sumProjectScript(BROKEN_SUM, [STILL_BROKEN_SUM]));
    const other = path.join(path.dirname(workspace), 'still-red');
    const failed = await runCli(
      ['build', SUM_REQUEST, '--workspace', other, '--verify', '--max-repairs', '1', '--json'],
      env,
    );
    assert.equal(failed.code, 1, 'a build whose checks fail is not a success');
    const red = JSON.parse(failed.stdout) as BuildSummaryJson;
    assert.equal(red.status, 'succeeded');
    assert.equal(red.verification?.outcome, 'verify_failed');
    assert.equal(red.verification?.step, 'test');
    assert.deepEqual(
      red.tasks.map((task) => task.id),
      ['core', 'tests', 'verify-1', 'repair-1', 'verify-2'],
    );

    const bad = await runCli(['build', SUM_REQUEST, '--workspace', other, '--verify', '--max-repairs', '9'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Invalid flag --max-repairs = "9": it must be a whole number from 0 to 5/);
  });

  it('exits 2 and queues nothing for a plan with a cycle, naming it', async () => {
    fake.setScript({ plans: [{ tasks: [planTask('a', ['b']), planTask('b', ['a'])] }] });
    const result = await runCli(['build', 'Anything', '--workspace', workspace], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cycle: a → b → a/);
    assert.equal(fake.requests.filter((request) => request.kind === 'task').length, 0);
  });

  it('exits 2 for bad input: empty request, bad budget, a file as workspace', async () => {
    assert.equal((await runCli(['build', '  ', '--workspace', workspace], env)).code, 2);
    const budget = await runCli(['build', 'x', '--workspace', workspace, '--budget-usd', '-1'], env);
    assert.equal(budget.code, 2);
    assert.match(budget.stderr, /--budget-usd "-1"/);
    const concurrency = await runCli(['build', 'x', '--workspace', workspace, '--concurrency', '0'], env);
    assert.equal(concurrency.code, 2);
    assert.match(concurrency.stderr, /flag --concurrency = "0"/);
    assert.equal((await runCli(['build', 'x', '--workspace', CLI_BUNDLE], env)).code, 2);
  });

  it('exits 3 at once when Redis does not answer, naming it and how to start it; nothing is planned', async () => {
    const result = await runCli(['build', 'Build a Todo app with React and Express', '--workspace', workspace], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /Redis unavailable at redis:\/\/127\.0\.0\.1:1 — start it with docker compose up -d/);
    assert.equal(fake.requests.length, 0, 'Claude was not called');
  });

  it('exits 3 without an API key, before planning', async () => {
    const result = await runCli(['build', 'x', '--workspace', workspace], { ...env, ANTHROPIC_API_KEY: '' });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /No Anthropic API key/);
    assert.equal(fake.requests.length, 0);
  });

  it('resumes a build killed with SIGKILL mid-chain without re-running completed tasks', async () => {
    fake.setScript({
      plans: [todoPlan],
      tasks: {
        ...todoFiles,
        api: { ...todoFiles.api, delayMs: 1500 },
        ui: { ...todoFiles.ui, delayMs: 1500 },
      },
    });
    const child = spawn(process.execPath, [CLI_BUNDLE, 'build', 'Todo', '--workspace', workspace], {
      env: { PATH: process.env.PATH, ...env },
      stdio: 'ignore',
    });
    children.push(child);
    let chainId: string | undefined;
    try {
      const deadline = Date.now() + 30_000;
      while (!chainId && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        chainId = await chainPastItsFirstTask(database.url);
      }
      assert.ok(chainId, 'the build got past its first task');
    } finally {
      await stopProcess(child);
    }

    const resumed = await runCli(['chains', 'resume', chainId, '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as { status: string }).status, 'succeeded');
    assert.equal(
      fake.requestsFor('setup').filter((request) => request.turn === 0).length,
      1,
      'the completed task was not run again',
    );
    assert.equal(await readFile(path.join(workspace, 'README.md'), 'utf8'), todoFiles.readme.files[0]!.content);
  });

  it('cancels a running chain: runs are aborted and nothing new starts', async () => {
    fake.setScript({ plans: [todoPlan], tasks: { ...todoFiles, setup: { ...todoFiles.setup, delayMs: 20_000 } } });
    const child = spawn(process.execPath, [CLI_BUNDLE, 'build', 'Todo', '--workspace', workspace, '--json'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (fake.requestsFor('setup').length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const list = await runCli(['chains', 'list', '--json'], env);
    const chainId = (JSON.parse(list.stdout) as { chains: { chainId: string }[] }).chains[0]!.chainId;
    const cancelled = await runCli(['chains', 'cancel', chainId], env);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancelled/);
    assert.equal(await exited, 1, 'the build ends as not succeeded');
    assert.equal((JSON.parse(stdout) as { status: string }).status, 'cancelled');
    assert.equal(fake.requestsFor('api').length, 0, 'nothing after the cancelled task started');
  });
});
