import assert from 'node:assert/strict';
import type { TaskResult } from '../../server/src/context/types';
import { ZERO_USAGE } from '../../server/src/llm/usage';
import { LocalCommits, type HandOverListener, type LocalCommit } from '../../server/src/orchestrator/localCommits';

const result = (taskId: string): TaskResult => ({
  taskId,
  title: `Task ${taskId}`,
  summary: `did ${taskId}`,
  files: [],
  usage: ZERO_USAGE,
  model: 'claude-sonnet-5-5',
  attempt: 1,
  completedAt: '2026-12-06T00:00:00.000Z',
});

const commit = (chainId: string, runToken: string, taskId: string): LocalCommit => ({
  chainId,
  runToken,
  result: result(taskId),
});

/** A driver's listener that writes down what it is handed. */
function recorder() {
  const heard: string[] = [];
  const listener: HandOverListener = {
    committed: (each) => {
      heard.push(`committed ${each.result.taskId} ${each.runToken}`);
      return Promise.resolve();
    },
    unresolved: (taskId, runToken) => heard.push(`unresolved ${taskId} ${runToken}`),
  };
  return { heard, listener };
}

describe('the in-process hand-over of committed results', () => {
  it("takes over a run's event only while its commit is in flight and its chain has a driver here", () => {
    const commits = new LocalCommits();
    commits.committing('run-1');
    assert.equal(commits.takesOver('chain-a', 'api', 'run-1'), false, 'no driver of chain-a in this process');
    const { heard, listener } = recorder();
    const unsubscribe = commits.subscribe('chain-a', listener);
    assert.equal(commits.takesOver('chain-a', 'api', 'run-1'), true);
    assert.equal(commits.takesOver('chain-a', 'api', 'run-2'), false, 'a run this process is not committing');
    assert.equal(commits.takesOver('chain-b', 'api', 'run-1'), false, 'another chain');

    void commits.committed('run-1', commit('chain-a', 'run-1', 'api'));
    assert.deepEqual(heard, ['committed api run-1']);
    assert.equal(commits.takesOver('chain-a', 'api', 'run-1'), false, 'handed over: a late event is the applier’s');
    unsubscribe();
    commits.committing('run-3');
    assert.equal(commits.takesOver('chain-a', 'ui', 'run-3'), false, 'the driver left: the stream must bring it');
  });

  it('sends the driver to Redis for a run whose event it left to a commit that had no answer', () => {
    const commits = new LocalCommits();
    const { heard, listener } = recorder();
    commits.subscribe('chain-a', listener);
    commits.committing('run-1');
    assert.equal(commits.takesOver('chain-a', 'api', 'run-1'), true);
    void commits.committed('run-1', undefined);
    assert.deepEqual(heard, ['unresolved api run-1']);
    assert.equal(commits.takesOver('chain-a', 'api', 'run-1'), false, 'settled: the stream path is open again');
  });

  it('tells the driver nothing about a refused commit whose event it never left to the hand-over', () => {
    const commits = new LocalCommits();
    const { heard, listener } = recorder();
    commits.subscribe('chain-a', listener);
    commits.committing('run-1');
    void commits.committed('run-1', undefined);
    assert.deepEqual(heard, [], 'its event, if any, is read from the stream as usual');
  });

  it("never lets a driver's failure reach the worker that committed", async () => {
    const commits = new LocalCommits();
    const failing = () => {
      throw new Error('the driver failed');
    };
    commits.subscribe('chain-a', { committed: failing, unresolved: failing });
    commits.committing('run-1');
    await assert.doesNotReject(commits.committed('run-1', commit('chain-a', 'run-1', 'api')));
    commits.committing('run-2');
    assert.equal(commits.takesOver('chain-a', 'ui', 'run-2'), true);
    await assert.doesNotReject(commits.committed('run-2', undefined));
    commits.subscribe('chain-b', {
      committed: () => Promise.reject(new Error('the apply failed')),
      unresolved: failing,
    });
    commits.committing('run-3');
    await assert.doesNotReject(commits.committed('run-3', commit('chain-b', 'run-3', 'api')));
  });

  it('lets the worker wait until the driver has applied its result, and not when there is no driver', async () => {
    const commits = new LocalCommits();
    let finishApply!: () => void;
    const applying = new Promise<void>((resolve) => (finishApply = resolve));
    commits.subscribe('chain-a', { committed: () => applying, unresolved: () => undefined });
    const settledAt: string[] = [];
    commits.committing('run-1');
    const handedOver = commits
      .committed('run-1', commit('chain-a', 'run-1', 'api'))
      .then(() => settledAt.push('run-1'));
    commits.committing('run-2');
    await commits.committed('run-2', commit('chain-elsewhere', 'run-2', 'api'));
    settledAt.push('run-2');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(settledAt, ['run-2'], 'no driver here: settled at once; run-1 waits for its apply');
    finishApply();
    await handedOver;
    assert.deepEqual(settledAt, ['run-2', 'run-1']);
  });

  it('keeps the newest subscription of a chain when an older one unsubscribes late', () => {
    const commits = new LocalCommits();
    const first = recorder();
    const second = recorder();
    const unsubscribeFirst = commits.subscribe('chain-a', first.listener);
    commits.subscribe('chain-a', second.listener);
    unsubscribeFirst();
    commits.committing('run-1');
    void commits.committed('run-1', commit('chain-a', 'run-1', 'api'));
    assert.deepEqual([first.heard, second.heard], [[], ['committed api run-1']]);
  });
});
