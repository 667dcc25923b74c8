/**
 * Results committed by a worker in this process, handed straight to the driver of their
 * chain when it runs in the same process (the usual case: `takoss build` and the VS Code
 * backend run both). It saves the driver two round trips per task on the chain's critical
 * path: waking on the event stream, then reading the task's state and result. The stream
 * stays the path that always works (drivers and workers on other machines); the driver
 * applies each run's result once, whichever path brings it.
 *
 * A commit's `task.generated` event can reach this process's driver before the commit's own
 * reply reaches the worker (Redis answers both in the same instant). So the worker announces
 * a commit before sending it, and the driver leaves the events of announced runs to the
 * hand-over instead of reading the result back while it is on its way. A commit that ends
 * without an answer (the connection dropped after Redis ran it, a resend found it done) sends
 * the driver back to Redis for what it holds, so no result waits for a reconcile.
 *
 * The worker waits, briefly, for the driver to queue what the result released before it frees
 * its slot: the slot then takes the most urgent ready task (taskPriority.ts) with the released
 * ones among them, rather than whatever was ready before they were.
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
  /**
   * The commit's outcome: the result when it was committed; undefined when it was not, or
   * threw. Settles once a driver here is done with the result: usually applied, with what it
   * released queued (not when another path's apply of it was already under way, or its files
   * wait for PostgreSQL). At once when no driver here takes it; never rejects.
   */
  committed(runToken: string, commit: LocalCommit | undefined): Promise<void>;
}

/** The driver's side: what it is handed for its chain. */
export interface HandOverListener {
  /** A result this process committed; settles once the driver is done with it (CommitHandOver.committed). */
  committed(commit: LocalCommit): Promise<void>;
  /** A run whose event the driver left to the hand-over ended without a committed result. */
  unresolved(taskId: string, runToken: string): void;
}

const SETTLED = Promise.resolve();

export class LocalCommits implements CommitHandOver {
  private readonly listeners = new Map<string, HandOverListener>();
  /** Runs whose commit is in flight in this process. */
  private readonly inFlight = new Set<string>();
  /** Runs whose `task.generated` event a driver left to the hand-over, with their task. */
  private readonly leftToUs = new Map<string, { chainId: string; taskId: string }>();

  committing(runToken: string): void {
    this.inFlight.add(runToken);
  }

  /** Tells the chain's driver in this process, if there is one. Never throws or rejects. */
  committed(runToken: string, commit: LocalCommit | undefined): Promise<void> {
    this.inFlight.delete(runToken);
    const left = this.leftToUs.get(runToken);
    this.leftToUs.delete(runToken);
    try {
      if (commit) {
        const driver = this.listeners.get(commit.chainId);
        return driver ? driver.committed(commit).catch(() => undefined) : SETTLED;
      }
      if (left) this.listeners.get(left.chainId)?.unresolved(left.taskId, runToken);
    } catch {
      // The worker's job is done either way: the driver's reconcile applies the result.
    }
    return SETTLED;
  }

  /**
   * Whether the hand-over takes over the `task.generated` event of run `runToken`: true while
   * this process is committing that run for a driver here, which then hears from the commit
   * (the result, or `unresolved`) instead of reading the event's result from Redis.
   */
  takesOver(chainId: string, taskId: string, runToken: string): boolean {
    if (!this.inFlight.has(runToken) || !this.listeners.has(chainId)) return false;
    this.leftToUs.set(runToken, { chainId, taskId });
    return true;
  }

  /** Receives what is handed over for the chain until the returned function is called. */
  subscribe(chainId: string, listener: HandOverListener): () => void {
    this.listeners.set(chainId, listener);
    return () => {
      if (this.listeners.get(chainId) === listener) this.listeners.delete(chainId);
    };
  }
}
