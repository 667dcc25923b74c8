import assert from 'node:assert/strict';
import { InvalidTaskGraphError, validateTaskGraph, type TaskGraph } from '../../server/src/decomposer/taskGraph';
import { hasVerifyLadder, plannedTasks, withVerifyLadder } from '../../server/src/decomposer/verifyLadder';
import { chainVerification } from '../../server/src/orchestrator/chainVerification';
import type { TaskState } from '../../server/src/orchestrator/chainState';

const task = (id: string, dependsOn: string[] = []) => ({
  id,
  title: `Build ${id}`,
  description: `Write ${id}.`,
  category: 'backend' as const,
  dependsOn,
});

/** setup → (api, ui) → docs; plus lint, which nothing depends on. */
const plan: TaskGraph = {
  tasks: [task('setup'), task('api', ['setup']), task('ui', ['setup']), task('docs', ['api', 'ui']), task('lint')],
};

describe('the verification ladder', () => {
  it('appends verify → repair rounds after every planned task, the first verify on the sinks', () => {
    const graph = withVerifyLadder(plan, 2);
    const ladder = graph.tasks.slice(plan.tasks.length);
    assert.deepEqual(
      ladder.map((each) => [each.id, each.kind, each.round, each.dependsOn]),
      [
        ['verify-1', 'verify', 1, ['docs', 'lint']],
        ['repair-1', 'repair', 1, ['verify-1']],
        ['verify-2', 'verify', 2, ['repair-1']],
        ['repair-2', 'repair', 2, ['verify-2']],
        ['verify-3', 'verify', 3, ['repair-2']],
      ],
    );
    assert.deepEqual(plannedTasks(graph), plan.tasks);
    assert.ok(hasVerifyLadder(graph));
    assert.ok(!hasVerifyLadder(plan));
  });

  it('is one verify without repairs when maxRepairs is 0', () => {
    const ladder = withVerifyLadder(plan, 0).tasks.slice(plan.tasks.length);
    assert.deepEqual(
      ladder.map((each) => each.id),
      ['verify-1'],
    );
  });

  it('is a valid graph: no cycle, no unknown dependency', () => {
    const graph = withVerifyLadder(plan, 3);
    const ids = new Set(graph.tasks.map((each) => each.id));
    for (const each of graph.tasks) for (const dependency of each.dependsOn) assert.ok(ids.has(dependency));
  });

  it('reserves its ids: a plan that uses one is refused with a clear problem', () => {
    assert.throws(
      () => validateTaskGraph({ tasks: [task('setup'), task('verify-1', ['setup'])] }),
      (error: unknown) =>
        error instanceof InvalidTaskGraphError &&
        error.problems.some((problem) => problem.includes('"verify-1"') && problem.includes('use another id')),
    );
    // Look-alikes stay allowed.
    assert.doesNotThrow(() => validateTaskGraph({ tasks: [task('verify-api'), task('repair-ui')] }));
  });
});

describe('a chain’s verification outcome', () => {
  const graph = withVerifyLadder(plan, 2);
  const states = (overrides: Record<string, TaskState>): Record<string, TaskState> => ({
    ...Object.fromEntries(graph.tasks.map((each) => [each.id, 'succeeded'])),
    ...overrides,
  });

  it('is verified as soon as a verify passes, counting the repairs before it', () => {
    const view = chainVerification(
      graph,
      { outcome: 'passed', round: 2, detail: 'npm run test passed' },
      states({ 'repair-2': 'unneeded', 'verify-3': 'unneeded' }),
      false,
    );
    assert.deepEqual(view, { outcome: 'verified', summary: 'npm run test passed after 1 repair', repairs: 1 });
  });

  it('stays open while the chain runs after a failed verify', () => {
    const failed = { outcome: 'failed' as const, round: 1, step: 'test', detail: 'npm run test failed' };
    assert.equal(chainVerification(graph, failed, states({ 'repair-1': 'running' }), false), undefined);
  });

  it('is verify_failed with the step when the chain ends after a failed verify', () => {
    const view = chainVerification(
      graph,
      { outcome: 'failed', round: 3, step: 'build', detail: 'npm run build failed with exit code 2' },
      states({}),
      true,
    );
    assert.equal(view?.outcome, 'verify_failed');
    assert.equal(view?.step, 'build');
    assert.equal(view?.repairs, 2);
    assert.match(view?.summary ?? '', /npm run build failed with exit code 2 \(verify-3, after 2 repairs\)/);
  });

  it('is not_verified, saying why, when nothing was verified', () => {
    const skipped = chainVerification(graph, undefined, states({ api: 'failed', 'verify-1': 'skipped' }), true);
    assert.equal(skipped?.outcome, 'not_verified');
    assert.match(skipped?.summary ?? '', /verify-1 did not run \(it was skipped\)/);
    const refused = chainVerification(
      graph,
      { outcome: 'not_run', round: 1, detail: 'takoss.verify is never' },
      states({ 'repair-1': 'unneeded', 'verify-2': 'unneeded', 'repair-2': 'unneeded', 'verify-3': 'unneeded' }),
      true,
    );
    assert.deepEqual(refused, {
      outcome: 'not_verified',
      summary: 'takoss.verify is never',
      repairs: 0,
    });
    assert.match(chainVerification(plan, undefined, {}, true)?.summary ?? '', /verification was off/);
  });
});
