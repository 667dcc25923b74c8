import assert from 'node:assert/strict';
import { RestartPolicy, type RestartDecision } from '../../extension/src/backend/restartPolicy';

/**
 * Crashes at `firstCrashAt`, then fails every restart (the backend never answers, so
 * `started` is not called again) until the policy gives up; each restart fails `failAfterMs`
 * after its delay. Returns every decision, the last one the refusal.
 */
function failEveryRestart(policy: RestartPolicy, firstCrashAt: number, failAfterMs: number): RestartDecision[] {
  const decisions: RestartDecision[] = [];
  let now = firstCrashAt;
  for (let i = 0; i < 100; i += 1) {
    const decision = policy.crashed(now);
    decisions.push(decision);
    if (!decision.restart) return decisions;
    now += decision.delayMs + failAfterMs;
  }
  assert.fail(`still restarting after 100 failed restarts (until ${now} ms)`);
}

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

  it('gives up when every restart fails after a long stable run', () => {
    const policy = new RestartPolicy({ maxConsecutiveCrashes: 3 });
    policy.started(0);
    // Ran for two minutes (healthy), then each restart takes over a minute to fail.
    const decisions = failEveryRestart(policy, 120_000, 61_000);
    assert.deepEqual(
      decisions.map((decision) => (decision.restart ? decision.attempt : 'gave up')),
      [1, 2, 3, 'gave up'],
    );
    assert.deepEqual(decisions.at(-1), { restart: false, crashes: 3 });
  });

  it('gives up when restarts keep failing for more than the stable time', () => {
    const policy = new RestartPolicy({ stableAfterMs: 60_000 });
    policy.started(0);
    const decisions = failEveryRestart(policy, 1000, 100);
    assert.deepEqual(
      decisions.map((decision) => (decision.restart ? decision.delayMs : 'gave up')),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 'gave up'],
    );
  });

  it('counts a start that succeeded after failed ones as a new run', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, maxConsecutiveCrashes: 2, stableAfterMs: 1000 });
    policy.started(0);
    assert.equal(policy.crashed(10).restart, true);
    assert.equal(policy.crashed(20).restart, true);
    policy.started(30);
    const decision = policy.crashed(5000);
    assert.ok(decision.restart);
    assert.equal(decision.attempt, 1);
  });
});
