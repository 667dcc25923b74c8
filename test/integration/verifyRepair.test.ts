/**
 * Verify and repair end to end (issue 9): real Redis, PostgreSQL and BullMQ, the real SDK
 * against the Messages-API fake, and the project's own `npm test` run by the chain's
 * verify tasks in the workspace.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import { cancelChain, createChain } from '../../server/src/orchestrator/orchestrator';
import type { VerifyGate } from '../../server/src/orchestrator/verifyTasks';
import { addTaskJobs } from '../../server/src/queue/taskQueue';
import { getTemplateAnalytics } from '../../server/src/templates/templateUsage';
import { waitUntil } from '../helpers/eventually';
import { startHarness, TEST_API_KEY, type Harness } from '../helpers/engineHarness';
import {
  BROKEN_SUM,
  CORRECT_SUM,
  ENV_RECORD,
  STILL_BROKEN_SUM,
  SUM_REQUEST,
  sumProjectScript,
} from '../fixtures/verify/verifyChain';

const ALLOW: VerifyGate = { consent: () => Promise.resolve({ allowed: true }) };

/** A gate that records what it was asked and answers `allowed`. */
function recordingGate(allowed: boolean, reason?: string) {
  const asked: { taskId: string; commands: readonly string[] }[] = [];
  const gate: VerifyGate = {
    consent: (request) => {
      asked.push({ taskId: request.taskId, commands: request.commands });
      return Promise.resolve(reason ? { allowed, reason } : { allowed });
    },
  };
  return { gate, asked };
}

describe('verify and repair', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;
  const saved = { ...process.env };

  beforeEach(() => {
    // The backend's own secrets are in its environment: none may reach the project's code.
    process.env.ANTHROPIC_API_KEY = TEST_API_KEY;
    process.env.DATABASE_URL = 'postgresql://takoss:secret-db-password@127.0.0.1:5432/takoss';
    process.env.REDIS_URL = 'redis://:secret-redis-password@127.0.0.1:6379';
  });

  afterEach(async () => {
    for (const key of ['ANTHROPIC_API_KEY', 'DATABASE_URL', 'REDIS_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await harness?.close();
    harness = undefined;
  });

  async function build(
    script: Parameters<typeof startHarness>[0],
    maxRepairs: number,
    gate: VerifyGate,
    budgetUsd?: number,
  ) {
    harness = await startHarness(script);
    const run = await harness.build(SUM_REQUEST, {
      verify: { maxRepairs, gate },
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    });
    const states = await harness.engine.state.states(run.created.chainId);
    const record = await harness.engine.repository.find(run.created.chainId);
    return { run, states, record: record!, fake: harness.fake, workspace: harness.workspace };
  }

  it('ends verified when the generated project passes its checks, with no repair and the rest unneeded', async () => {
    const { gate, asked } = recordingGate(true);
    const { run, states, record, fake } = await build(sumProjectScript(CORRECT_SUM), 2, gate);
    assert.equal(run.result.status, 'succeeded');
    assert.equal(run.result.verification?.outcome, 'verified');
    assert.deepEqual(asked, [{ taskId: 'verify-1', commands: ['npm run test'] }]);
    assert.equal(states['verify-1'], 'succeeded');
    for (const id of ['repair-1', 'verify-2', 'repair-2', 'verify-3']) assert.equal(states[id], 'unneeded', id);
    assert.equal(fake.runsOf('repair-1'), 0);
    assert.equal(record.verification?.outcome, 'verified');
    assert.equal(record.tasks.find((task) => task.taskId === 'repair-1')?.status, 'unneeded');
    const verdict = record.tasks.find((task) => task.taskId === 'verify-1')?.verdict;
    assert.equal(verdict?.outcome, 'passed');
    assert.deepEqual(
      verdict?.steps.map((step) => [step.command, step.exitCode]),
      [['npm run test', 0]],
    );
  });

  it('runs the checks without the API key or any other secret in their environment', async () => {
    const { workspace } = await build(sumProjectScript(CORRECT_SUM), 0, ALLOW);
    const recorded = JSON.parse(readFileSync(path.join(workspace, ENV_RECORD), 'utf8')) as Record<string, string>;
    assert.ok(Object.keys(recorded).length > 0, 'the project recorded its environment');
    for (const name of ['ANTHROPIC_API_KEY', 'DATABASE_URL', 'REDIS_URL'])
      assert.equal(recorded[name], undefined, name);
    const values = Object.values(recorded).join('\n');
    for (const secret of [TEST_API_KEY, 'secret-db-password', 'secret-redis-password']) {
      assert.ok(!values.includes(secret), `${secret} reached the project's code`);
    }
  });

  it('repairs a deliberately failing test in exactly one round, then verifies', async () => {
    const { run, states, record, fake, workspace } = await build(sumProjectScript(BROKEN_SUM, [CORRECT_SUM]), 2, ALLOW);
    assert.equal(run.result.status, 'succeeded');
    assert.equal(run.result.verification?.outcome, 'verified');
    assert.equal(run.result.verification?.repairs, 1);
    assert.equal(fake.runsOf('repair-1'), 1);
    assert.equal(fake.runsOf('repair-2'), 0);
    assert.deepEqual(
      ['verify-1', 'repair-1', 'verify-2', 'repair-2', 'verify-3'].map((id) => states[id]),
      ['succeeded', 'succeeded', 'succeeded', 'unneeded', 'unneeded'],
    );
    assert.equal(readFileSync(path.join(workspace, 'src/sum.js'), 'utf8'), CORRECT_SUM);
    // The repair was told what failed, with the output and the file involved as it was on disk.
    const prompt = fake.requestsFor('repair-1')[0]!.firstUserText;
    assert.match(prompt, /Failing command: npm run test/);
    assert.match(prompt, /sum\(2, 3\) should be 5/);
    assert.ok(prompt.includes(`--- src/sum.js\n${BROKEN_SUM}`), 'the failing file is in the prompt');
    assert.match(prompt, /Repair round: 1/);
    const verdicts = ['verify-1', 'verify-2'].map((id) => record.tasks.find((task) => task.taskId === id)?.verdict);
    assert.deepEqual(
      verdicts.map((verdict) => [verdict?.outcome, verdict?.step]),
      [
        ['failed', 'test'],
        ['passed', undefined],
      ],
    );
    // The repair's cost is the chain's: it was billed like any task.
    assert.ok((record.tasks.find((task) => task.taskId === 'repair-1')?.usage.costUsd ?? 0) > 0);
    // The repair used the library's verify/repair version, whose analytics count the chain as verified.
    await waitUntil('the repair’s template use to be recorded', async () => {
      const analytics = await getTemplateAnalytics(harness!.engine.templates, 'verify/repair');
      return analytics.versions.some((version) => version.runs === 1);
    });
    const analytics = await getTemplateAnalytics(harness!.engine.templates, 'verify/repair');
    const used = analytics.versions.find((version) => version.runs === 1)!;
    assert.deepEqual([used.succeeded, used.verifiedChains, used.checkedChains], [1, 1, 1]);
  });

  it('stops after maxRepairs rounds that do not fix it, ending verify_failed with the failing step', async () => {
    const script = sumProjectScript(BROKEN_SUM, [STILL_BROKEN_SUM, STILL_BROKEN_SUM, CORRECT_SUM]);
    const { run, states, record, fake } = await build(script, 2, ALLOW);
    assert.equal(run.result.verification?.outcome, 'verify_failed');
    assert.equal(run.result.verification?.step, 'test');
    assert.equal(run.result.verification?.repairs, 2);
    assert.deepEqual(
      [fake.runsOf('repair-1'), fake.runsOf('repair-2'), fake.runsOf('repair-3')],
      [1, 1, 0],
      'exactly maxRepairs repairs ran',
    );
    assert.equal(states['verify-3'], 'succeeded');
    assert.equal(record.verification?.outcome, 'verify_failed');
    assert.equal(record.verification?.step, 'test');
    // Spend is bounded: the plan, two tasks and two repairs, nothing more.
    const billed = record.tasks.reduce((sum, task) => sum + task.usage.costUsd, 0);
    const repairs = ['repair-1', 'repair-2'].map(
      (id) => record.tasks.find((task) => task.taskId === id)!.usage.costUsd,
    );
    assert.ok(repairs.every((cost) => cost > 0));
    assert.ok(Math.abs(run.result.usage.costUsd - billed - (run.created.planUsage.costUsd ?? 0)) < 1e-9);
  });

  it('lets the chain budget cap the repair rounds', async () => {
    const script = sumProjectScript(BROKEN_SUM, [STILL_BROKEN_SUM, STILL_BROKEN_SUM]);
    // Enough for the plan and both tasks (each start reserves about $0.066), not for a repair on top.
    const { run, fake } = await build(script, 2, ALLOW, 0.1);
    assert.equal(run.result.status, 'budget_exceeded');
    assert.equal(run.result.verification?.outcome, 'verify_failed');
    assert.equal(fake.runsOf('repair-1'), 0);
    assert.ok(run.result.usage.costUsd <= 0.1);
  });

  it('runs nothing of the project when consent is refused (takoss.verify never, an untrusted workspace)', async () => {
    const { gate, asked } = recordingGate(false, 'the workspace is not trusted');
    const { run, states, record, workspace } = await build(sumProjectScript(BROKEN_SUM, [CORRECT_SUM]), 2, gate);
    assert.equal(asked.length, 1);
    assert.ok(!existsSync(path.join(workspace, ENV_RECORD)), 'the project’s test script never ran');
    assert.equal(run.result.status, 'succeeded');
    assert.equal(run.result.verification?.outcome, 'not_verified');
    assert.match(run.result.verification?.summary ?? '', /the workspace is not trusted/);
    assert.deepEqual(
      ['repair-1', 'verify-2', 'repair-2', 'verify-3'].map((id) => states[id]),
      ['unneeded', 'unneeded', 'unneeded', 'unneeded'],
    );
    assert.equal(record.verification?.outcome, 'not_verified');
  });

  it('plans no verify tasks when verification is off', async () => {
    harness = await startHarness(sumProjectScript(CORRECT_SUM));
    const run = await harness.build(SUM_REQUEST);
    assert.deepEqual(
      run.created.graph.tasks.map((task) => task.id),
      ['core', 'tests'],
    );
    assert.equal(run.result.verification?.outcome, 'not_verified');
    assert.ok(!existsSync(path.join(harness.workspace, ENV_RECORD)));
  });
});

describe('verify tasks when the build is stopped or cancelled', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** A gate that holds its answer until the run is aborted (the consent prompt still open). */
  function heldGate() {
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const gate: VerifyGate = {
      consent: (_request, signal) => {
        asked();
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ allowed: false, reason: 'aborted' }), { once: true }),
        );
      },
    };
    return { gate, wasAsked };
  }

  async function startChain(gate: VerifyGate) {
    harness = await startHarness(sumProjectScript(CORRECT_SUM));
    const { engine, workspace } = harness;
    const created = await createChain(engine, {
      request: SUM_REQUEST,
      workspace,
      model: harness.config.model,
      concurrency: 2,
      maxTasks: 10,
      verify: { maxRepairs: 1 },
    });
    await engine.startWorker(2);
    const driver = engine.driver(created.chainId, workspaceApplier(workspace, created.chainId, engine.repository), {
      workspace,
      gate,
    });
    return { engine, workspace, chainId: created.chainId, driver, running: driver.run() };
  }

  it('hands a verify the stopped build was running to the next driver, which runs it', async () => {
    const held = heldGate();
    const first = await startChain(held.gate);
    await held.wasAsked;
    first.driver.stop();
    const stopped = await first.running;
    assert.equal(stopped.finished, false);
    assert.equal((await first.engine.state.states(first.chainId))['verify-1'], 'queued');

    const next = first.engine.driver(
      first.chainId,
      workspaceApplier(first.workspace, first.chainId, first.engine.repository),
      { workspace: first.workspace, gate: ALLOW },
    );
    const result = await next.run();
    assert.equal(result.verification?.outcome, 'verified');
    assert.ok(existsSync(path.join(first.workspace, ENV_RECORD)), 'the checks ran once resumed');
  });

  it('cancels a verify waiting for consent when the chain is cancelled', async () => {
    const held = heldGate();
    const build = await startChain(held.gate);
    await held.wasAsked;
    await cancelChain(build.engine, build.chainId);
    const result = await build.running;
    assert.equal(result.status, 'cancelled');
    const states = await build.engine.state.states(build.chainId);
    assert.equal(states['verify-1'], 'cancelled');
    assert.equal(result.verification?.outcome, 'not_verified');
    assert.ok(!existsSync(path.join(build.workspace, ENV_RECORD)));
  });

  it('leaves a queued job for a verify task to the driver (a retry enqueues one)', async () => {
    const held = heldGate();
    const build = await startChain(held.gate);
    await held.wasAsked;
    build.driver.stop();
    await build.running;
    // As a retry would: a job for the verify task, picked up by this process's worker.
    const [jobId] = await addTaskJobs(build.engine.queue, build.chainId, undefined, [
      { taskId: 'verify-1', generation: 9 },
    ]);
    await waitUntil(
      'the worker to finish the verify job',
      async () => (await (await build.engine.queue.getJob(jobId!))?.getState()) === 'completed',
    );
    assert.equal((await build.engine.state.states(build.chainId))['verify-1'], 'queued', 'the worker left it alone');
    assert.ok(!existsSync(path.join(build.workspace, ENV_RECORD)));
  });
});
