import assert from 'node:assert/strict';
import { CHAIN_STATUSES, TASK_STATUSES } from '../../server/src/chainSnapshot';
import {
  chainIcon,
  countsAsDone,
  describeTaskStatus,
  formatAge,
  formatCost,
  formatTokens,
  isLive,
  taskIcon,
} from '../../extension/src/views/statusIcons';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');

describe('status icons and formatting', () => {
  it('has an icon for every chain and task status, and a question mark for anything else', () => {
    assert.deepEqual(taskIcon('succeeded'), { id: 'pass', color: 'testing.iconPassed' });
    assert.deepEqual(taskIcon('failed'), { id: 'error', color: 'testing.iconFailed' });
    assert.deepEqual(chainIcon('partial'), { id: 'warning', color: 'charts.orange' });
    assert.deepEqual(taskIcon('unneeded'), { id: 'dash', color: 'descriptionForeground' });
    for (const status of TASK_STATUSES) assert.notEqual(taskIcon(status).id, 'question', status);
    for (const status of CHAIN_STATUSES) assert.notEqual(chainIcon(status).id, 'question', status);
    assert.deepEqual(taskIcon('exploded'), { id: 'question' });
    assert.deepEqual(chainIcon(''), { id: 'question' });
    // Lookups must not reach Object.prototype.
    assert.deepEqual(taskIcon('toString'), { id: 'question' });
    assert.deepEqual(chainIcon('constructor'), { id: 'question' });
  });

  it('counts queued, running and cancelling as live, and nothing else', () => {
    assert.deepEqual(
      ['queued', 'running', 'cancelling', 'succeeded', 'failed', 'partial', 'cancelled', 'budget_exceeded'].map(isLive),
      [true, true, true, false, false, false, false, false],
    );
  });

  it('counts succeeded and not-needed tasks as done, and words unneeded for people', () => {
    assert.deepEqual(
      TASK_STATUSES.filter((status) => countsAsDone(status)),
      ['succeeded', 'unneeded'],
    );
    assert.equal(describeTaskStatus('unneeded'), 'not needed');
    assert.equal(describeTaskStatus('skipped'), 'skipped');
  });

  it('formats costs with four decimals below a cent and two from a cent', () => {
    assert.equal(formatCost(0), '$0.0000');
    assert.equal(formatCost(0.0042), '$0.0042');
    assert.equal(formatCost(0.0099), '$0.0099');
    assert.equal(formatCost(0.01), '$0.01');
    assert.equal(formatCost(1.234), '$1.23');
    assert.equal(formatCost(12), '$12.00');
  });

  it('formats token counts in thousands from 1000', () => {
    assert.equal(formatTokens(0), '0 tokens');
    assert.equal(formatTokens(999), '999 tokens');
    assert.equal(formatTokens(1000), '1.0k tokens');
    assert.equal(formatTokens(15_250), '15.3k tokens');
  });

  it('formats ages from just now to days', () => {
    const ago = (seconds: number) => formatAge(new Date(NOW - seconds * 1000).toISOString(), NOW);
    assert.equal(ago(0), 'just now');
    assert.equal(ago(59), 'just now');
    assert.equal(ago(60), '1 min ago');
    assert.equal(ago(5 * 60), '5 min ago');
    assert.equal(ago(3600), '1 h ago');
    assert.equal(ago(3 * 3600), '3 h ago');
    assert.equal(ago(86_400), '1 d ago');
    assert.equal(ago(10 * 86_400), '10 d ago');
  });

  it('calls a time in the future (clock skew) just now', () => {
    assert.equal(formatAge(new Date(NOW + 3_600_000).toISOString(), NOW), 'just now');
  });
});
