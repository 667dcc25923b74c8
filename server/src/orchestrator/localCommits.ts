/**
 * Results committed by a worker in this process, handed straight to the driver of their
 * chain when it runs in the same process (the usual case: `takoss build` and the VS Code
 * backend run both). It saves the driver three round trips per task — waking on the event
 * stream, then reading the task's state and result — on the chain's critical path. The
 * stream stays the path that always works (drivers and workers on other machines); the
 * driver applies each run's result once, whichever path brings it.
 *
 * A commit's `task.generated` event can reach this process's driver before the commit's own
 * reply reaches the worker (Redis answers both in the same instant). So the worker announces
 * a commit before sending it, and the driver leaves the events of announced runs to the
 * hand-over instead of reading the result back from Redis while the result is on its way.
 */
import type { TaskResult } from '../context/types';

export interface LocalCommit {
  readonly chainId: string;
  /** The run that produced the result; the `task.generated` event carries the same token. */
  readonly runToken: string;
  readonly result: TaskResult;
}

/** The worker's side: what the processor tells the hand-over about each commit. */
export interface CommitHandOver {
  /** Called before the run's commit is sent. */
  committing(runToken: string): void;
  /** The commit's answer: the result when it was committed, undefined when it was not. */
  committed(runToken: string, commit: LocalCommit | undefined): void;
}

export class LocalCommits implements CommitHandOver {
  private readonly listeners = new Map<string, (commit: LocalCommit) => void>();
  /** Runs whose commit is in flight in this process. */
  private readonly inFlight = new Set<string>();

  committing(runToken: string): void {
    this.inFlight.add(runToken);
  }

  /** Hands a committed result to its chain's driver in this process, if there is one. Never throws. */
  committed(runToken: string, commit: LocalCommit | undefined): void {
    this.inFlight.delete(runToken);
    if (!commit) return;
    try {
      this.listeners.get(commit.chainId)?.(commit);
    } catch {
      // The worker's job is done either way: the driver's reconcile applies the result.
    }
  }

  /**
   * True when the run's result is being handed over in this process: its `task.generated`
   * event needs no reading back. A driver that reads the event is subscribed, so the result
   * reaches it (or, if applying it fails, its next reconcile does).
   */
  handsOver(chainId: string, runToken: string): boolean {
    return this.inFlight.has(runToken) && this.listeners.has(chainId);
  }

  /** Receives the chain's commits until the returned function is called. */
  subscribe(chainId: string, listener: (commit: LocalCommit) => void): () => void {
    this.listeners.set(chainId, listener);
    return () => {
      if (this.listeners.get(chainId) === listener) this.listeners.delete(chainId);
    };
  }
}
