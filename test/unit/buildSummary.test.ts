import assert from 'node:assert/strict';
import type { ChainSnapshot, TaskSnapshot } from '../../server/src/chainSnapshot';
import { KEY_REJECTED_ERROR } from '../../server/src/protocol';
import { describeProgress, summarizeChain } from '../../extension/src/commands/buildSummary';
import { chainSnapshot, taskSnapshot, usageOf } from '../helpers/snapshots';

const built = (path: string) => ({ path, action: 'created' });

const verifyTask = (id: string, extra: Partial<TaskSnapshot> = {}) =>
  taskSnapshot(id, { kind: 'verify', status: 'succeeded', ...extra });

const finished = (tasks: readonly TaskSnapshot[], extra: Partial<ChainSnapshot> = {}) =>
  chainSnapshot(tasks, { status: 'succeeded', usage: usageOf({ costUsd: 0.42 }), ...extra });

const app = [
  taskSnapshot('api', { status: 'succeeded', files: [built('server.js'), built('package.json')] }),
  taskSnapshot('ui', {
    status: 'succeeded',
    files: [built('web/App.jsx'), { path: 'README.md', action: 'unchanged' }],
  }),
];

describe('Build App summary', () => {
  it('says the app was built and verified', () => {
    const summary = summarizeChain(
      finished([...app, verifyTask('verify-1'), verifyTask('repair-1', { kind: 'repair', status: 'unneeded' })], {
        verification: { outcome: 'verified', summary: 'install, build and test passed', repairs: 0 },
      }),
    );
    assert.equal(summary.message, 'Takoss built "Build a todo app" and verified it: 3 files written, $0.42.');
    assert.equal(summary.warning, false);
    assert.equal(summary.filesWritten, 3);
  });

  it('counts the repairs it took', () => {
    const summary = summarizeChain(
      finished(app, { verification: { outcome: 'verified', summary: 'passed', repairs: 2 } }),
    );
    assert.match(summary.message, /^Takoss built "Build a todo app" and verified it after 2 repairs: /);
    const once = summarizeChain(
      finished(app, { verification: { outcome: 'verified', summary: 'passed', repairs: 1 } }),
    );
    assert.match(once.message, / after 1 repair: /);
  });

  it('warns when the app failed its checks, naming the step and the verify task to read', () => {
    const tasks = [
      ...app,
      verifyTask('verify-1', { verify: { outcome: 'failed', step: 'build', summary: 'tsc failed', steps: [] } }),
      taskSnapshot('repair-1', { kind: 'repair', status: 'succeeded' }),
      verifyTask('verify-2', { verify: { outcome: 'failed', step: 'test', summary: '2 tests failed', steps: [] } }),
    ];
    const summary = summarizeChain(
      finished(tasks, {
        verification: { outcome: 'verify_failed', step: 'test', summary: '2 tests failed', repairs: 1 },
      }),
    );
    assert.equal(
      summary.message,
      'Takoss built "Build a todo app", but verify failed at test (see verify-2): 3 files written, $0.42.',
    );
    assert.equal(summary.warning, true);
  });

  it('says why the app was not verified', () => {
    const summary = summarizeChain(
      finished(app, {
        verification: { outcome: 'not_verified', summary: 'the user declined to run the checks', repairs: 0 },
      }),
    );
    assert.equal(
      summary.message,
      'Takoss built "Build a todo app" (not verified: the user declined to run the checks): 3 files written, $0.42.',
    );
    assert.equal(summary.warning, false);
  });

  it('keeps the old wording for a chain without a verification', () => {
    assert.equal(summarizeChain(finished(app)).message, 'Takoss built "Build a todo app": 3 files written, $0.42.');
  });

  it('puts why a chain stopped first, and its checks after only when some ran', () => {
    const tasks = [...app, taskSnapshot('docs', { status: 'failed' })];
    const stopped = summarizeChain(
      finished(tasks, {
        status: 'partial',
        verification: { outcome: 'not_verified', summary: 'a task failed before verify', repairs: 0 },
      }),
    );
    assert.equal(stopped.message, 'Takoss stopped "Build a todo app" (partial, 1 failed): 3 files written, $0.42.');
    assert.equal(stopped.warning, true);
    const overBudget = summarizeChain(
      finished(
        [...app, verifyTask('verify-1', { verify: { outcome: 'failed', step: 'test', summary: 'x', steps: [] } })],
        {
          status: 'budget_exceeded',
          verification: { outcome: 'verify_failed', step: 'test', summary: 'x', repairs: 0 },
        },
      ),
    );
    assert.match(
      overBudget.message,
      /\(budget exceeded\): 3 files written, \$0\.42\. The app failed its checks: verify failed at test \(see verify-1\)\.$/,
    );
  });

  it('offers the key fix when the API rejected the key', () => {
    const summary = summarizeChain(
      finished([taskSnapshot('api', { status: 'failed', error: `${KEY_REJECTED_ERROR} (401)` })], { status: 'failed' }),
    );
    assert.equal(summary.keyRejected, true);
    assert.match(summary.message, /rejected the API key: set a valid one/);
  });

  describe('progress', () => {
    it('counts not-needed rungs as done and names a running verify', () => {
      const chain = chainSnapshot([
        ...app,
        verifyTask('verify-1', { status: 'running' }),
        taskSnapshot('repair-1', { kind: 'repair', status: 'unneeded' }),
        taskSnapshot('other', { status: 'running' }),
      ]);
      const progress = describeProgress(chain);
      assert.equal(progress.done, 3);
      assert.equal(progress.message, '3/5 tasks done, verifying the app (verify-1) · $0.0000');
    });

    it('counts running tasks otherwise', () => {
      const chain = chainSnapshot([
        taskSnapshot('a', { status: 'running' }),
        taskSnapshot('b', { status: 'generated' }),
      ]);
      assert.equal(describeProgress(chain).message, '0/2 tasks done, 2 running · $0.0000');
    });
  });
});
