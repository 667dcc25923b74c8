import assert from 'node:assert/strict';
import type { ChainSnapshot } from '../../server/src/chainSnapshot';
import type { ChainSummaryView } from '../../server/src/protocol';
import { chainView, fileViews, taskView } from '../../extension/src/views/chainTreeModel';
import { chainIcon, taskIcon } from '../../extension/src/views/statusIcons';
import { chainSnapshot, taskSnapshot, usageOf } from '../helpers/snapshots';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

const usage = (costUsd: number, inputTokens = 0, outputTokens = 0) => usageOf({ costUsd, inputTokens, outputTokens });
const task = taskSnapshot;
const snapshot = (extra: Partial<ChainSnapshot> = {}) =>
  chainSnapshot([], { createdAt: minutesAgo(5), usage: usage(0.5), ...extra });

const summary = (extra: Partial<ChainSummaryView> = {}): ChainSummaryView => ({
  chainId: 'chain-1',
  request: 'Build a todo app',
  workspace: '/work/todo',
  status: 'succeeded',
  verification: null,
  usage: usage(1.25),
  createdAt: minutesAgo(5),
  finishedAt: null,
  ...extra,
});

describe('chain tree model', () => {
  describe('chainView', () => {
    it('describes a finished chain from its summary alone: status, cost and age, no progress', () => {
      const view = chainView(summary({ createdAt: minutesAgo(180) }), undefined, NOW);
      assert.deepEqual(view.node, { kind: 'chain', chainId: 'chain-1' });
      assert.equal(view.label, 'Build a todo app');
      assert.equal(view.description, 'succeeded · $1.25 · 3 h ago');
      assert.equal(view.contextValue, 'chain.finished');
      assert.equal(view.collapsible, true);
      assert.deepEqual(view.icon, chainIcon('succeeded'));
      assert.match(view.tooltip, /Chain chain-1/);
      assert.match(view.tooltip, /Folder: \/work\/todo/);
    });

    it('prefers the live snapshot for status and cost, and shows done/total while live', () => {
      const live = snapshot({
        status: 'running',
        usage: usage(0.004),
        tasks: [
          task('a', { status: 'succeeded' }),
          task('b', { status: 'succeeded' }),
          task('c', { status: 'running' }),
          task('d', { status: 'failed' }),
        ],
      });
      const view = chainView(summary({ status: 'queued', usage: usage(0) }), live, NOW);
      assert.equal(view.description, 'running · 2/4 · $0.0040 · 5 min ago');
      assert.equal(view.contextValue, 'chain.live');
      assert.deepEqual(view.icon, { id: 'sync~spin', color: 'charts.blue' });
      assert.match(view.tooltip, /Status: running/);
    });

    it('drops the progress once the chain has finished, even with tasks known', () => {
      const live = snapshot({ status: 'partial', tasks: [task('a', { status: 'succeeded' }), task('b')] });
      const view = chainView(summary({ status: 'running' }), live, NOW);
      assert.equal(view.description, 'partial · $0.50 · 5 min ago');
      assert.equal(view.contextValue, 'chain.finished');
    });

    it('shows no progress for a live chain whose tasks are not known yet', () => {
      const view = chainView(summary({ status: 'queued' }), snapshot({ status: 'queued', tasks: [] }), NOW);
      assert.equal(view.description, 'queued · $0.50 · 5 min ago');
      assert.equal(view.contextValue, 'chain.live');
    });

    it('treats cancelling as live and writes budget_exceeded with a space', () => {
      assert.equal(chainView(summary({ status: 'cancelling' }), undefined, NOW).contextValue, 'chain.live');
      const over = chainView(summary({ status: 'budget_exceeded' }), undefined, NOW);
      assert.match(over.description, /^budget exceeded · /);
      assert.equal(over.contextValue, 'chain.finished');
    });

    it('shows the verification from the list beside the status, and in the tooltip', () => {
      const verified = chainView(summary({ verification: 'verified' }), undefined, NOW);
      assert.equal(verified.description, 'succeeded · verified · $1.25 · 5 min ago');
      assert.match(verified.tooltip, /\nVerification: verified\n/);
      assert.deepEqual(verified.icon, chainIcon('succeeded'));
      const notVerified = chainView(summary({ verification: 'not_verified' }), undefined, NOW);
      assert.equal(notVerified.description, 'succeeded · not verified · $1.25 · 5 min ago');
      const none = chainView(summary({ verification: null }), undefined, NOW);
      assert.doesNotMatch(none.tooltip, /Verification/);
    });

    it('does not show a chain whose app failed its checks as all green', () => {
      const view = chainView(summary({ verification: 'verify_failed' }), undefined, NOW);
      assert.equal(view.description, 'succeeded · verify failed · $1.25 · 5 min ago');
      assert.deepEqual(view.icon, { id: 'warning', color: 'charts.orange' });
      const failed = chainView(summary({ status: 'failed', verification: 'verify_failed' }), undefined, NOW);
      assert.deepEqual(failed.icon, chainIcon('failed'));
    });

    it('prefers the live verification, with its step, summary and repairs, in the tooltip', () => {
      const live = snapshot({
        status: 'succeeded',
        verification: { outcome: 'verify_failed', step: 'test', summary: '2 of 9 tests failed', repairs: 2 },
      });
      const view = chainView(summary({ verification: null }), live, NOW);
      assert.match(view.description, /^succeeded · verify failed · /);
      assert.match(view.tooltip, /\nVerification: verify failed at test — 2 of 9 tests failed \(2 repairs\)\n/);
      const repairedOnce = snapshot({
        status: 'succeeded',
        verification: { outcome: 'verified', summary: 'install, build and test passed', repairs: 1 },
      });
      assert.match(
        chainView(summary(), repairedOnce, NOW).tooltip,
        /Verification: verified — install, build and test passed \(1 repair\)/,
      );
    });

    it('counts rungs an earlier verify made unnecessary as done in the progress', () => {
      const live = snapshot({
        status: 'running',
        tasks: [
          task('a', { status: 'succeeded' }),
          task('verify-1', { kind: 'verify', status: 'succeeded' }),
          task('repair-1', { kind: 'repair', status: 'unneeded' }),
          task('verify-2', { kind: 'verify', status: 'unneeded' }),
          task('b', { status: 'running' }),
        ],
      });
      assert.match(chainView(summary({ status: 'running' }), live, NOW).description, /^running · 4\/5 · /);
    });

    it('shortens a long request in the label and keeps it whole in the tooltip', () => {
      const request = 'x'.repeat(100);
      const view = chainView(summary({ request }), undefined, NOW);
      assert.equal(view.label.length, 60);
      assert.ok(view.label.endsWith('…'));
      assert.ok(view.tooltip.startsWith(request));
      assert.equal(chainView(summary({ request: 'y'.repeat(60) }), undefined, NOW).label, 'y'.repeat(60));
    });
  });

  describe('taskView', () => {
    const chain = snapshot();

    it('shows the status alone for a task that has not run', () => {
      const view = taskView(chain, task('a'));
      assert.deepEqual(view.node, { kind: 'task', chainId: 'chain-1', taskId: 'a' });
      assert.equal(view.label, 'Task a');
      assert.equal(view.description, 'waiting');
      assert.equal(view.contextValue, 'task');
      assert.equal(view.collapsible, false);
      assert.deepEqual(view.icon, taskIcon('waiting'));
    });

    it('shows attempts only when more than one, then tokens and cost', () => {
      const once = taskView(chain, task('a', { status: 'succeeded', attempts: 1, usage: usage(0.02, 1200, 300) }));
      assert.equal(once.description, 'succeeded · 1.5k tokens · $0.02');
      const thrice = taskView(chain, task('a', { status: 'running', attempts: 3, usage: usage(0.001, 10, 5) }));
      assert.equal(thrice.description, 'running · 3 attempts · 15 tokens · $0.0010');
    });

    it('marks failed, skipped and cancelled tasks retryable, and no other status', () => {
      for (const status of ['failed', 'skipped', 'cancelled'] as const) {
        assert.equal(taskView(chain, task('a', { status })).contextValue, 'task.retryable', status);
      }
      for (const status of ['waiting', 'queued', 'running', 'generated', 'succeeded'] as const) {
        assert.equal(taskView(chain, task('a', { status })).contextValue, 'task', status);
      }
    });

    it('marks a task written only when it created or updated a file', () => {
      const written = task('a', {
        status: 'succeeded',
        files: [
          { path: 'README.md', action: 'unchanged' },
          { path: 'src/app.ts', action: 'updated' },
        ],
      });
      assert.equal(taskView(chain, written).contextValue, 'task.written');
      assert.equal(taskView(chain, written).collapsible, true);
      const notWritten = task('a', {
        status: 'succeeded',
        files: [
          { path: 'a.ts', action: 'unchanged' },
          { path: 'b.ts', action: 'skipped' },
          { path: 'c.ts', action: 'refused' },
          { path: 'd.ts', action: 'generated' },
        ],
      });
      assert.equal(taskView(chain, notWritten).contextValue, 'task');
      assert.equal(taskView(chain, notWritten).collapsible, true);
    });

    it('combines retryable and written in that order', () => {
      const view = taskView(chain, task('a', { status: 'failed', files: [{ path: 'a.ts', action: 'created' }] }));
      assert.equal(view.contextValue, 'task.retryable.written');
    });

    it('puts the id, description, error and summary in the tooltip, leaving out what is missing', () => {
      const failed = taskView(chain, task('a', { status: 'failed', error: 'rate limited', summary: 'half done' }));
      assert.equal(failed.tooltip, 'Task a (a)\n\nBuild a\n\nError: rate limited\n\nhalf done');
      assert.equal(taskView(chain, task('b')).tooltip, 'Task b (b)\n\nBuild b');
    });
  });

  describe('taskView of verify and repair rungs', () => {
    const steps = [
      { name: 'install', command: 'npm ci', exitCode: 0, timedOut: false, durationMs: 12_340 },
      { name: 'build', command: 'npm run build', exitCode: 0, timedOut: false, durationMs: 3_000 },
      { name: 'test', command: 'npm test', exitCode: 1, timedOut: false, durationMs: 4_160 },
    ];
    const failedChecks = task('verify-1', {
      kind: 'verify',
      status: 'succeeded',
      attempts: 1,
      verify: { outcome: 'failed', step: 'test', summary: 'npm test exited with 1: 2 of 9 tests failed', steps },
    });
    const chain = snapshot({
      tasks: [
        task('api'),
        failedChecks,
        task('repair-1', { kind: 'repair', dependsOn: ['verify-1'] }),
        task('verify-2', { kind: 'verify', dependsOn: ['repair-1'] }),
      ],
    });

    it('shows what a verify found instead of "succeeded", with a matching icon', () => {
      const view = taskView(chain, failedChecks);
      assert.equal(view.description, 'checks failed at test');
      assert.deepEqual(view.icon, { id: 'error', color: 'testing.iconFailed' });
      const passed = taskView(
        chain,
        task('verify-2', {
          kind: 'verify',
          status: 'succeeded',
          verify: { outcome: 'passed', summary: 'install, build and test passed', steps },
        }),
      );
      assert.equal(passed.description, 'checks passed');
      assert.deepEqual(passed.icon, taskIcon('succeeded'));
      const notRun = taskView(
        chain,
        task('verify-1', {
          kind: 'verify',
          status: 'succeeded',
          verify: { outcome: 'not_run', step: 'package.json', summary: 'no package.json', steps: [] },
        }),
      );
      assert.equal(notRun.description, 'checks not run');
      assert.equal(notRun.icon.id, 'circle-slash');
    });

    it('lists every check with its command, result and time in the tooltip', () => {
      const tooltip = taskView(chain, { ...failedChecks, summary: failedChecks.verify?.summary }).tooltip;
      assert.equal(tooltip.split('2 of 9 tests failed').length, 2, 'the verdict is said once');
      assert.ok(
        tooltip.endsWith(
          [
            'npm test exited with 1: 2 of 9 tests failed',
            'install: npm ci — ok, 12.3 s',
            'build: npm run build — ok, 3.0 s',
            'test: npm test — exit 1, 4.2 s',
          ].join('\n'),
        ),
        tooltip,
      );
      const timedOut = task('verify-1', {
        kind: 'verify',
        status: 'succeeded',
        verify: {
          outcome: 'failed',
          step: 'test',
          summary: 'npm test timed out',
          steps: [{ name: 'test', command: 'npm test', exitCode: null, timedOut: true, durationMs: 300_000 }],
        },
      });
      assert.match(taskView(chain, timedOut).tooltip, /test: npm test — timed out, 300\.0 s/);
    });

    it('keeps the status of a verify that has not finished, or that failed to run', () => {
      assert.equal(taskView(chain, task('verify-2', { kind: 'verify', status: 'running' })).description, 'running');
      const broken = taskView(chain, task('verify-2', { kind: 'verify', status: 'failed', error: 'spawn failed' }));
      assert.equal(broken.description, 'failed');
      assert.equal(broken.contextValue, 'task.retryable');
      assert.deepEqual(broken.icon, taskIcon('failed'));
    });

    it('says which verify a repair fixes, and shows its cost like any Claude task', () => {
      const repair = task('repair-1', {
        kind: 'repair',
        status: 'succeeded',
        dependsOn: ['verify-1'],
        usage: usage(0.03, 2000, 500),
        files: [{ path: 'src/app.test.ts', action: 'updated' }],
      });
      const view = taskView(chain, repair);
      assert.equal(view.description, 'succeeded · 2.5k tokens · $0.03');
      assert.match(view.tooltip, /Repairs what verify-1 found\./);
      assert.equal(view.contextValue, 'task.written');
    });

    it('shows rungs that were not needed as such, muted and not retryable', () => {
      const view = taskView(chain, task('verify-2', { kind: 'verify', status: 'unneeded' }));
      assert.equal(view.description, 'not needed');
      assert.deepEqual(view.icon, taskIcon('unneeded'));
      assert.equal(view.contextValue, 'task');
      assert.match(view.tooltip, /Not needed: an earlier verify passed or could not run\./);
    });
  });

  describe('fileViews', () => {
    const chain = snapshot({ chainId: 'chain-9', workspace: '/work/other' });
    const files = task('api', {
      status: 'succeeded',
      files: [
        { path: 'src/server.ts', action: 'created' },
        { path: 'src/db.ts', action: 'updated' },
        { path: 'README.md', action: 'unchanged' },
        { path: 'package.json', action: 'skipped', reason: 'you chose Skip' },
        { path: '.git/config', action: 'refused', reason: 'never writable' },
      ],
    });

    it('gives one view per file with its node, action and workspace', () => {
      const views = fileViews(chain, files);
      assert.deepEqual(
        views.map((view) => [view.label, view.description]),
        [
          ['src/server.ts', 'created'],
          ['src/db.ts', 'updated'],
          ['README.md', 'unchanged'],
          ['package.json', 'skipped'],
          ['.git/config', 'refused'],
        ],
      );
      assert.deepEqual(views[0]?.node, {
        kind: 'file',
        chainId: 'chain-9',
        taskId: 'api',
        path: 'src/server.ts',
        workspace: '/work/other',
      });
      assert.ok(views.every((view) => view.contextValue === 'file' && !view.collapsible));
    });

    it('opens every file but a refused one', () => {
      assert.deepEqual(
        fileViews(chain, files).map((view) => view.opensFile),
        [true, true, true, true, false],
      );
    });

    it('warns on skipped and refused files, and says why in the tooltip', () => {
      const views = fileViews(chain, files);
      assert.deepEqual(
        views.map((view) => view.icon.id),
        ['file', 'file', 'file', 'warning', 'warning'],
      );
      assert.equal(views[3]?.tooltip, 'package.json: skipped — you chose Skip');
      assert.equal(views[0]?.tooltip, 'src/server.ts: created');
    });

    it('gives no views for a task without files', () => {
      assert.deepEqual(fileViews(chain, task('x')), []);
    });
  });
});
