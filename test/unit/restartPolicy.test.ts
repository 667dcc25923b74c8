import assert from 'node:assert/strict';
import { RestartPolicy } from '../../extension/src/backend/restartPolicy';

describe('RestartPolicy', () => {
  it('doubles the delay for crashes in quick succession, up to the maximum', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 500, maxConsecutiveCrashes: 10 });
    policy.started(0);
    const delays = [1, 2, 3, 4, 5].map((i) => {
      const decision = policy.crashed(i * 10);
      assert.ok(decision.restart);
      return decision.delayMs;
    });
    assert.deepEqual(delays, [100, 200, 400, 500, 500]);
  });

  it('gives up after too many crashes in a row', () => {
    const policy = new RestartPolicy({ maxConsecutiveCrashes: 2 });
    policy.started(0);
    assert.equal(policy.crashed(1).restart, true);
    assert.equal(policy.crashed(2).restart, true);
    assert.deepEqual(policy.crashed(3), { restart: false, crashes: 2 });
  });

  it('forgets earlier crashes after a stable run', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, stableAfterMs: 1000 });
    policy.started(0);
    policy.crashed(10);
    policy.crashed(20);
    policy.started(30);
    const decision = policy.crashed(5000);
    assert.ok(decision.restart);
    assert.equal(decision.delayMs, 100);
    assert.equal(decision.attempt, 1);
  });

  it('starts counting afresh after a manual restart', () => {
    const policy = new RestartPolicy({ maxConsecutiveCrashes: 1 });
    policy.started(0);
    policy.crashed(1);
    policy.reset();
    assert.equal(policy.crashed(2).restart, true);
  });
});
