/**
 * Results committed by a worker in this process, handed straight to the driver of their
 * chain when it runs in the same process (the usual case: `takoss build` and the VS Code
 * backend run both). It saves the driver two round trips per task — waking on the event
 * stream, then fetching the result — on the chain's critical path. The stream stays the
 * path that always works (drivers and workers on other machines, a missed hand-over); the
 * driver applies each run's result once, whichever path brings it first.
 *
 * The worker waits (briefly) for the driver's apply before it finishes the job: the apply
 * enqueues the dependents, so BullMQ's completion of this job can hand this worker the next
 * one in the same round trip instead of waking an idle worker for it.
 */
import type { TaskResult } from '../context/types';
import { settlesWithin } from '../services/deadline';

export interface LocalCommit {
  readonly chainId: string;
  /** The run that produced the result; the `task.generated` event carries the same token. */
  readonly runToken: string;
  readonly result: TaskResult;
}

/**
 * How long a worker waits for the driver's apply. Applying usually takes a few round trips;
 * one that waits on PostgreSQL or on the user (a conflict in VS Code) goes on without it.
 */
export const LOCAL_APPLY_WAIT_MS = 1000;

type Listener = (commit: LocalCommit) => Promise<void>;

export class LocalCommits {
  private readonly listeners = new Map<string, Listener>();

  /**
   * Hands `commit` to its chain's driver in this process, if there is one, and waits for its
   * apply at most `LOCAL_APPLY_WAIT_MS`. Never throws.
   */
  async publish(commit: LocalCommit): Promise<void> {
    const listener = this.listeners.get(commit.chainId);
    if (!listener) return;
    // The worker's job is done either way: the event stream brings the result to the driver.
    const applying = Promise.resolve()
      .then(() => listener(commit))
      .catch(() => undefined);
    await settlesWithin(applying, LOCAL_APPLY_WAIT_MS);
  }

  /** Receives the chain's commits until the returned function is called. */
  subscribe(chainId: string, listener: Listener): () => void {
    this.listeners.set(chainId, listener);
    return () => {
      if (this.listeners.get(chainId) === listener) this.listeners.delete(chainId);
    };
  }
}
