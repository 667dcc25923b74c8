import assert from 'node:assert/strict';
import type { TaskResult } from '../../server/src/context/types';
import { ZERO_USAGE } from '../../server/src/llm/usage';
import { LocalCommits, type LocalCommit } from '../../server/src/orchestrator/localCommits';

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

describe('the in-process hand-over of committed results', () => {
  it("hands over a run's result only while its commit is in flight and its chain has a driver here", () => {
    const commits = new LocalCommits();
    commits.committing('run-1');
    assert.equal(commits.handsOver('chain-a', 'run-1'), false, 'no driver of chain-a in this process');
    const received: LocalCommit[] = [];
    const unsubscribe = commits.subscribe('chain-a', (each) => received.push(each));
    assert.equal(commits.handsOver('chain-a', 'run-1'), true);
    assert.equal(commits.handsOver('chain-a', 'run-2'), false, 'a run this process is not committing');
    assert.equal(commits.handsOver('chain-b', 'run-1'), false, 'another chain');

    commits.committed('run-1', commit('chain-a', 'run-1', 'api'));
    assert.deepEqual(
      received.map((each) => each.result.taskId),
      ['api'],
    );
    assert.equal(commits.handsOver('chain-a', 'run-1'), false, 'delivered: a late event is for the applier to skip');
    unsubscribe();
    commits.committing('run-3');
    assert.equal(commits.handsOver('chain-a', 'run-3'), false, 'the driver left: the stream must apply it');
  });

  it('forgets a commit that was refused or failed, so that the stream applies whatever Redis holds', () => {
    const commits = new LocalCommits();
    const received: LocalCommit[] = [];
    commits.subscribe('chain-a', (each) => received.push(each));
    commits.committing('run-1');
    commits.committed('run-1', undefined);
    assert.equal(commits.handsOver('chain-a', 'run-1'), false);
    assert.deepEqual(received, [], 'nothing is delivered for a commit that did not happen');
  });

  it("never lets a driver's failure reach the worker that committed", () => {
    const commits = new LocalCommits();
    commits.subscribe('chain-a', () => {
      throw new Error('the driver failed');
    });
    commits.committing('run-1');
    assert.doesNotThrow(() => commits.committed('run-1', commit('chain-a', 'run-1', 'api')));
    assert.equal(commits.handsOver('chain-a', 'run-1'), false);
  });

  it('keeps the newest subscription of a chain when an older one unsubscribes late', () => {
    const commits = new LocalCommits();
    const first: string[] = [];
    const second: string[] = [];
    const unsubscribeFirst = commits.subscribe('chain-a', (each) => first.push(each.runToken));
    commits.subscribe('chain-a', (each) => second.push(each.runToken));
    unsubscribeFirst();
    commits.committing('run-1');
    commits.committed('run-1', commit('chain-a', 'run-1', 'api'));
    assert.deepEqual([first, second], [[], ['run-1']]);
  });
});
