/**
 * A chain's verification outcome, decided from its newest verify verdict (kept in the
 * chain's meta by COMPLETE_TASK) and the state of its ladder: `verified` as soon as a verify
 * passes, `verify_failed` when the chain ended after a failed verify (no repair left, the
 * budget ran out, or a repair failed), `not_verified` when it ended without a verdict.
 */
import type { ChainVerificationView } from '../chainSnapshot';
import type { TaskGraph } from '../decomposer/taskGraph';
import { verifyTaskId } from '../decomposer/verifyLadder';
import type { ChainVerdict, TaskState } from './chainState';

/** States in which a repair has run (or is running). */
const REPAIR_RAN: ReadonlySet<string> = new Set(['running', 'generated', 'succeeded', 'failed']);

/**
 * The outcome, or undefined while it is still open (the chain runs and no verify passed).
 * `states` are the tasks' current states.
 */
export function chainVerification(
  graph: TaskGraph,
  verdict: ChainVerdict | undefined,
  states: Readonly<Record<string, TaskState | undefined>>,
  finished: boolean,
): ChainVerificationView | undefined {
  const repairs = graph.tasks.filter((task) => task.kind === 'repair' && REPAIR_RAN.has(states[task.id] ?? '')).length;
  const rounds = `${repairs} repair${repairs === 1 ? '' : 's'}`;
  if (verdict?.outcome === 'passed') {
    return {
      outcome: 'verified',
      summary: repairs > 0 ? `${verdict.detail} after ${rounds}` : verdict.detail,
      repairs,
    };
  }
  if (!finished) return undefined;
  if (verdict?.outcome === 'failed') {
    return {
      outcome: 'verify_failed',
      ...(verdict.step ? { step: verdict.step } : {}),
      summary: `${verdict.detail} (${verifyTaskId(verdict.round)}, after ${rounds})`,
      repairs,
    };
  }
  if (verdict?.outcome === 'not_run') return { outcome: 'not_verified', summary: verdict.detail, repairs };
  if (!graph.tasks.some((task) => task.kind === 'verify')) {
    return {
      outcome: 'not_verified',
      summary: 'verification was off for this build (takoss.verify is never, or no --verify)',
      repairs,
    };
  }
  const first = verifyTaskId(1);
  return {
    outcome: 'not_verified',
    summary: `${first} did not run (it was ${states[first] ?? 'not started'})`,
    repairs,
  };
}
