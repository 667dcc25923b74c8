/**
 * Results committed by a worker in this process, handed straight to the driver of their
 * chain when it runs in the same process (the usual case: `takoss build` and the VS Code
 * backend run both). It saves the driver two round trips per task — waking on the event
 * stream, then fetching the result — on the chain's critical path. The stream stays the
 * path that always works (drivers and workers on other machines, a missed hand-over); the
 * driver applies each run's result once, whichever path brings it first.
 */
import type { TaskResult } from '../context/types';

export interface LocalCommit {
  readonly chainId: string;
  /** The run that produced the result; the `task.generated` event carries the same token. */
  readonly runToken: string;
  readonly result: TaskResult;
}

export class LocalCommits {
  private readonly listeners = new Map<string, (commit: LocalCommit) => void>();

  /** Hands `commit` to its chain's driver in this process, if there is one. Never throws. */
  publish(commit: LocalCommit): void {
    try {
      this.listeners.get(commit.chainId)?.(commit);
    } catch {
      // The worker's job is done either way: the event stream brings the result to the driver.
    }
  }

  /** Receives the chain's commits until the returned function is called. */
  subscribe(chainId: string, listener: (commit: LocalCommit) => void): () => void {
    this.listeners.set(chainId, listener);
    return () => {
      if (this.listeners.get(chainId) === listener) this.listeners.delete(chainId);
    };
  }
}
