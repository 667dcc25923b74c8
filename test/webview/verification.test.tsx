import './setupDom';
import { strict as assert } from 'node:assert';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { ChainVerificationView, VerifyTaskView } from '../../server/src/chainSnapshot';
import { ChainHeader } from '../../webview-ui/src/ChainHeader';
import { buildEdgePaths, computeLayout, LayoutCache } from '../../webview-ui/src/graph/layout';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
import { Legend } from '../../webview-ui/src/Legend';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { TaskPanel } from '../../webview-ui/src/TaskPanel';
import { FakeMessenger, makeChain, makeTask } from './fixtures';

const failedAtTest: VerifyTaskView = {
  outcome: 'failed',
  step: 'test',
  summary: 'npm test failed with exit code 1',
  steps: [
    { name: 'install', command: 'npm ci', exitCode: 0, timedOut: false, durationMs: 12_400 },
    { name: 'build', command: 'npm run build', exitCode: 0, timedOut: false, durationMs: 850 },
    { name: 'test', command: 'npm test', exitCode: 1, timedOut: false, durationMs: 3_100 },
  ],
};

const passed: VerifyTaskView = {
  outcome: 'passed',
  summary: 'Passed: npm ci, npm run build, npm test.',
  steps: [{ name: 'test', command: 'npm test', exitCode: 0, timedOut: false, durationMs: 2_000 }],
};

/** A finished ladder: the first verify failed, the repair fixed it, the second verify passed. */
function ladder(verify2?: VerifyTaskView): TaskSnapshot[] {
  return [
    makeTask({ id: 'api', title: 'REST API', status: 'succeeded', attempts: 1 }),
    makeTask({
      id: 'verify-1',
      title: 'Verify',
      dependsOn: ['api'],
      kind: 'verify',
      status: 'succeeded',
      verify: failedAtTest,
    }),
    makeTask({
      id: 'repair-1',
      title: 'Repair round 1',
      dependsOn: ['verify-1'],
      kind: 'repair',
      status: 'succeeded',
      usage: { inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0421 },
      files: [{ path: 'src/sum.ts', action: 'updated' }],
    }),
    makeTask({
      id: 'verify-2',
      title: 'Verify (after repair 1)',
      dependsOn: ['repair-1'],
      kind: 'verify',
      status: verify2 ? 'succeeded' : 'running',
      ...(verify2 && { verify: verify2 }),
    }),
    makeTask({ id: 'repair-2', title: 'Repair round 2', dependsOn: ['verify-2'], kind: 'repair', status: 'unneeded' }),
    makeTask({ id: 'verify-3', title: 'Verify (after repair 2)', dependsOn: ['repair-2'], kind: 'verify' }),
  ];
}

describe('webview verify and repair', () => {
  describe('graph', () => {
    it('shows a not-needed rung as such, with its label, and the kind and outcome of each rung', async () => {
      const tasks = ladder(passed).map((task) =>
        task.id === 'verify-3' ? { ...task, status: 'unneeded' as const } : task,
      );
      render(<TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={() => {}} />);

      const unneeded = await screen.findByTestId('task-node-repair-2');
      assert.equal(unneeded.dataset.status, 'unneeded');
      assert.ok(unneeded.classList.contains('status-unneeded'));
      assert.ok(within(unneeded).getByText('Not needed'));
      assert.equal(unneeded.getAttribute('aria-label'), 'Repair round 2, Not needed, repair');

      const firstVerify = screen.getByTestId('task-node-verify-1');
      assert.equal(screen.getByTestId('task-kind-verify-1').textContent, 'verify');
      const outcome = screen.getByTestId('task-verify-verify-1');
      assert.equal(outcome.textContent, '✗ failed at test');
      assert.equal(outcome.title, 'npm test failed with exit code 1');
      assert.match(outcome.style.getPropertyValue('--status-color'), /testing-iconFailed/);
      assert.equal(firstVerify.getAttribute('aria-label'), 'Verify, Succeeded, verify, failed at test');

      assert.equal(screen.getByTestId('task-verify-verify-2').textContent, '✓ passed');
      assert.equal(screen.getByTestId('task-kind-repair-1').textContent, 'repair');
      assert.equal(screen.queryByTestId('task-verify-repair-1'), null, 'a repair has no verify outcome');
      assert.equal(screen.queryByTestId('task-verify-verify-3'), null, 'a verify that did not run has none');
      assert.equal(screen.queryByTestId('task-kind-api'), null, "a planner's task has no kind badge");
      assert.equal(
        within(screen.getByTestId('task-node-api')).queryByText(/verify|repair/),
        null,
        'nor any verify text',
      );
    });

    it('updates a verify node when its outcome arrives, without laying out again', async () => {
      const onSelect = () => {};
      const cache = new LayoutCache();
      const graph = (tasks: readonly TaskSnapshot[]) => (
        <TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={onSelect} layoutCache={cache} />
      );
      const { rerender } = render(graph(ladder()));
      await screen.findByTestId('task-node-verify-2');
      assert.equal(screen.queryByTestId('task-verify-verify-2'), null);

      rerender(graph(ladder(passed)));
      assert.equal(screen.getByTestId('task-verify-verify-2').textContent, '✓ passed');

      const notRun: VerifyTaskView = { outcome: 'not_run', summary: 'Not verified: npm is not on PATH.', steps: [] };
      rerender(graph(ladder(notRun)));
      assert.equal(screen.getByTestId('task-verify-verify-2').textContent, '– not run');
      assert.equal(cache.runs, 1);
    });

    it('draws the edge into a not-needed rung as pending, even from a succeeded verify', () => {
      const tasks = [
        makeTask({ id: 'v', kind: 'verify', status: 'succeeded' }),
        makeTask({ id: 'r', kind: 'repair', dependsOn: ['v'], status: 'unneeded' }),
        makeTask({ id: 'docs', dependsOn: ['v'], status: 'waiting' }),
      ];
      const paths = buildEdgePaths(tasks, computeLayout(tasks));
      const count = (path: string) => path.split('M').length - 1;
      assert.deepEqual(
        { pending: count(paths.lines.pending), done: count(paths.lines.done), running: count(paths.lines.running) },
        { pending: 1, done: 1, running: 0 },
      );
    });
  });

  describe('legend', () => {
    it('explains the not-needed state as not a failure', () => {
      render(<Legend />);
      const item = within(screen.getByRole('list', { name: 'Legend' }))
        .getAllByRole('listitem')
        .find((element) => element.dataset.status === 'unneeded');
      assert.ok(item);
      assert.equal(item.textContent, 'Not needed');
      assert.match(item.title, /earlier verify passed.*Not a failure/);
    });
  });

  describe('chain header', () => {
    const cases: readonly { verification: ChainVerificationView; text: string }[] = [
      {
        verification: { outcome: 'verified', summary: 'Passed: npm ci, npm test.', repairs: 0 },
        text: '✓Verified',
      },
      {
        verification: { outcome: 'verify_failed', step: 'build', summary: 'npm run build failed', repairs: 2 },
        text: '✗Verify failed: build · 2 repair rounds',
      },
      {
        verification: { outcome: 'not_verified', summary: 'Not verified: the workspace is untrusted.', repairs: 0 },
        text: '–Not verified',
      },
      {
        verification: { outcome: 'verified', summary: 'Passed after a repair.', repairs: 1 },
        text: '✓Verified · 1 repair round',
      },
    ];
    for (const { verification, text } of cases) {
      it(`shows ${verification.outcome} (repairs: ${verification.repairs})`, () => {
        render(<ChainHeader chain={makeChain([], { status: 'succeeded', verification })} />);
        const badge = screen.getByTestId('chain-verification');
        assert.equal(badge.dataset.outcome, verification.outcome);
        assert.equal(badge.title, verification.summary);
        const hidden = badge.querySelector('.visually-hidden');
        assert.equal(hidden?.textContent, `: ${verification.summary}`, 'screen readers get the summary');
        assert.equal(badge.textContent?.replace(hidden?.textContent ?? '', ''), text);
      });
    }

    it('has no badge before the verification is decided, and counts not-needed rungs as done', () => {
      render(<ChainHeader chain={makeChain(ladder(passed))} />);
      assert.equal(screen.queryByTestId('chain-verification'), null);
      assert.equal(screen.getByTestId('chain-progress').textContent, '5/6 tasks');
    });
  });

  describe('task panel', () => {
    const chain = makeChain(ladder(passed), { status: 'succeeded' });
    const open = (id: string) => {
      const task = chain.tasks.find((candidate) => candidate.id === id);
      assert.ok(task);
      const messenger = new FakeMessenger();
      render(<TaskPanel chain={chain} task={task} output={undefined} messenger={messenger} onClose={() => {}} />);
      return { panel: screen.getByTestId('task-panel'), messenger };
    };

    it("shows a verify's summary and a table of its steps, and no usage or context", () => {
      const { panel } = open('verify-1');
      assert.equal(within(panel).getByTestId('task-panel-kind').textContent, 'verify');
      const section = within(panel).getByTestId('task-verify');
      assert.match(section.textContent ?? '', /failed at test/);
      assert.equal(within(section).getByTestId('task-verify-summary').textContent, 'npm test failed with exit code 1');
      const rows = within(within(section).getByTestId('task-verify-steps')).getAllByRole('row');
      assert.deepEqual(
        rows.map((row) => [...row.children].map((cell) => cell.textContent)),
        [
          ['Step', 'Command', 'Result', 'Duration'],
          ['install', 'npm ci', 'exit 0', '12.4 s'],
          ['build', 'npm run build', 'exit 0', '850 ms'],
          ['test', 'npm test', 'exit 1', '3.1 s'],
        ],
      );
      assert.equal(rows[3]?.dataset.ok, 'false');
      assert.equal(within(panel).queryByRole('heading', { name: 'Usage' }), null);
      assert.equal(within(panel).queryByTestId('task-context'), null);
      assert.equal(within(panel).queryByRole('heading', { name: 'Files' }), null, 'a verify writes no files');
    });

    it('says a verify’s verdict once: its summary is not repeated above the steps', () => {
      const summary = 'Passed: npm test.';
      for (const [task, summaries] of [
        [makeTask({ id: 'verify-1', kind: 'verify', summary, verify: passed }), 0],
        [makeTask({ id: 'api', summary: 'Wrote the API.' }), 1],
      ] as const) {
        const { unmount } = render(
          <TaskPanel chain={chain} task={task} output={undefined} messenger={new FakeMessenger()} onClose={() => {}} />,
        );
        assert.equal(screen.queryAllByRole('heading', { name: 'Summary' }).length, summaries, task.id);
        unmount();
      }
    });

    it('says a step timed out or ended without an exit code', () => {
      const task = makeTask({
        id: 'verify-1',
        kind: 'verify',
        status: 'succeeded',
        verify: {
          outcome: 'failed',
          step: 'test',
          summary: 'npm test timed out after 10 min',
          steps: [
            { name: 'build', command: 'npm run build', exitCode: null, timedOut: false, durationMs: 400 },
            { name: 'test', command: 'npm test', exitCode: null, timedOut: true, durationMs: 600_000 },
          ],
        },
      });
      render(
        <TaskPanel
          chain={makeChain([task])}
          task={task}
          output={undefined}
          messenger={new FakeMessenger()}
          onClose={() => {}}
        />,
      );
      const cells = [...screen.getByTestId('task-verify-steps').querySelectorAll('tbody td:nth-child(3)')];
      assert.deepEqual(
        cells.map((cell) => cell.textContent),
        ['no exit code', 'timed out'],
      );
    });

    it('shows a repair like any task: its cost and files, no verification', () => {
      const { panel } = open('repair-1');
      assert.equal(within(panel).getByTestId('task-panel-kind').textContent, 'repair');
      assert.equal(within(panel).queryByTestId('task-verify'), null);
      assert.ok(within(panel).getByText('$0.0421'));
      assert.ok(within(panel).getByRole('button', { name: 'src/sum.ts' }));
      assert.ok(within(panel).getByTestId('task-context'));
    });

    it('says a not-needed rung is not a failure and offers no Retry', () => {
      const { panel, messenger } = open('repair-2');
      const status = within(panel).getByTestId('task-panel-status');
      assert.equal(status.textContent, 'Not needed');
      assert.equal(status.dataset.status, 'unneeded');
      assert.ok(within(panel).getByText(/earlier verify passed.*Not a failure/));
      assert.equal(within(panel).queryByRole('button', { name: 'Retry' }), null);
      fireEvent.click(within(panel).getByRole('button', { name: 'Inspect context' }));
      assert.deepEqual(messenger.posted, [{ type: 'inspectContext', chainId: 'chain-1', taskId: 'repair-2' }]);
    });

    it('says why a verify that did not run has no result', () => {
      const { panel } = open('verify-3');
      assert.match(within(panel).getByTestId('task-verify').textContent ?? '', /Not run yet/);
      assert.equal(within(panel).queryByTestId('task-verify-steps'), null);
    });
  });
});
