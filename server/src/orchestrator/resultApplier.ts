/**
 * The driver's half of finishing a task: put a generated result's files into the workspace,
 * then complete the task (which releases its dependents) or fail it. A result can reach the
 * driver three ways — handed over by a worker in the same process, through the event
 * stream, or found by a reconcile — and is applied once: concurrent paths join the apply in
 * flight, a run already applied is skipped by its token, and a task that is no longer
 * `generated` by that run is left alone (its files are never written again, so a later
 * task's rewrite of the same path is never reverted). The completion takes the run's token
 * too, so only the run whose files were written can complete the task.
 */
import type { ContextAccumulator } from '../context/contextAccumulator';
import type { TaskResult } from '../context/types';
import { isDatabaseUnavailable } from '../db/unavailable';
import { errorMessage } from '../errors';
import type { Usage } from '../llm/usage';
import type { Logger } from '../logger';
import type { ExecutionStatus } from '../templates/templateUsage';
import type { ChainMirror } from './chainMirror';
import type { ChainState, ReleasedTask } from './chainState';
import type { ChainWriteCaps } from './chainWriteCaps';
import type { AppliedFiles, FileApplier } from './driverTypes';

export interface ResultApplierDeps {
  readonly state: ChainState;
  readonly accumulator: ContextAccumulator;
  readonly applier: FileApplier;
  readonly caps: ChainWriteCaps;
  readonly mirror: ChainMirror;
  readonly logger: Logger;
  /** Records a use of the task's template version. */
  readonly recordExecution: (
    taskId: string,
    status: ExecutionStatus,
    attempts: number,
    usage: Usage,
    error?: string,
  ) => void;
}

export class ResultApplier {
  /** Generated tasks being applied now, by task id: a second path to the same task joins in. */
  private readonly applying = new Map<string, Promise<boolean>>();
  /** Runs whose results were applied (their run tokens): the other paths skip them. */
  private readonly appliedRuns = new Set<string>();
  /** The newest attempt of each task this driver settled: older events about it are stale. */
  private readonly settled = new Map<string, number>();

  constructor(
    private readonly chainId: string,
    private readonly deps: ResultApplierDeps,
  ) {}

  /** The newest attempt of `taskId` whose result this driver applied or failed (0: none). */
  settledAttempt(taskId: string): number {
    return this.settled.get(taskId) ?? 0;
  }

  /** Applies in-flight work to the end (before the driver closes its mirror). */
  async idle(): Promise<void> {
    await Promise.allSettled(this.applying.values());
  }

  /**
   * Applies the result of run `runToken` of `taskId` (the run that produced `known`, when
   * given; the task's current run when no token is given, as by a reconcile); what it
   * released is added to `released`. True when the chain ended.
   */
  apply(taskId: string, runToken: string | undefined, released: ReleasedTask[], known?: TaskResult): Promise<boolean> {
    if (runToken && this.appliedRuns.has(runToken)) return Promise.resolve(false);
    const inFlight = this.applying.get(taskId);
    if (inFlight) return inFlight.then(() => false);
    const applying = this.applyGenerated(taskId, runToken, released, known).finally(() => this.applying.delete(taskId));
    this.applying.set(taskId, applying);
    return applying;
  }

  private async applyGenerated(
    taskId: string,
    runToken: string | undefined,
    released: ReleasedTask[],
    known?: TaskResult,
  ): Promise<boolean> {
    const { state } = this.deps;
    // A result handed over with its run (the worker in this process, a verify task) was just
    // committed: it is checked by the completion itself (run token), not by reading first —
    // one round trip fewer on the critical path. A cancel landing meanwhile is the same race as
    // one landing while files are written: the completion then does nothing.
    const checked = known && runToken ? { result: known, runToken } : await this.check(taskId, runToken);
    if (typeof checked === 'boolean') return checked;
    const { result } = checked;
    const applied = await this.writeFiles(taskId, result);
    if (applied === 'deferred') return false;
    if (checked.runToken) this.appliedRuns.add(checked.runToken);
    if (!applied.ok) {
      const finished = await state.fail(this.chainId, taskId, applied.reason, checked.runToken ?? '');
      this.settled.set(taskId, result.attempt);
      this.deps.mirror.update(
        taskId,
        { ...this.record(result, applied), status: 'failed', finishedAt: new Date(), error: applied.reason },
        true,
      );
      this.deps.recordExecution(taskId, 'failed', result.attempt, result.usage, applied.reason);
      return finished !== undefined;
    }
    const completion = await state.complete(this.chainId, taskId, result.verdict, checked.runToken ?? '');
    if (completion.noop) return false;
    released.push(...completion.released);
    this.recordSucceeded(taskId, result, applied.outcomes);
    for (const each of completion.released) this.deps.mirror.update(each.taskId, { status: 'queued' });
    return completion.finished !== undefined;
  }

  /**
   * For a result found on the stream or by a reconcile: is it still to be applied? The result
   * and its run when it is; otherwise whether handling it ended the chain.
   */
  private async check(
    taskId: string,
    runToken: string | undefined,
  ): Promise<{ result: TaskResult; runToken: string | undefined } | boolean> {
    const { state, accumulator } = this.deps;
    const [meta, generation, result] = await Promise.all([
      state.meta(this.chainId),
      state.generation(this.chainId, taskId),
      accumulator.getResult(this.chainId, taskId),
    ]);
    if (generation.state !== 'generated' || (runToken && generation.runToken !== runToken)) {
      // Applied already (by another path, or before a restart) or superseded by a newer run.
      if (generation.state === 'succeeded' && result && runToken && generation.runToken === runToken) {
        // A completion whose reply was lost (Redis restarted): make sure the record says so.
        this.recordSucceeded(taskId, result, []);
      }
      if (runToken && generation.runToken === runToken) this.appliedRuns.add(runToken);
      return false;
    }
    if (meta?.status === 'cancelling') {
      return (await state.cancelRunning(this.chainId, taskId)) !== undefined;
    }
    if (!result) {
      // Only possible if Redis lost the key: fail the task rather than complete it without files.
      return (
        (await state.fail(this.chainId, taskId, 'its result left Redis before its files were written')) !== undefined
      );
    }
    return { result, runToken: generation.runToken };
  }

  /** Writes the result's files within the chain's caps; 'deferred' when PostgreSQL is down. */
  private async writeFiles(taskId: string, result: TaskResult): Promise<AppliedFiles | 'deferred'> {
    if (result.files.length === 0) return { ok: true, outcomes: [] };
    const { caps } = this.deps;
    const overCap = await caps.reserve(taskId, result.files);
    if (overCap) return { ok: false, reason: overCap, outcomes: [] };
    let applied: AppliedFiles;
    try {
      applied = await this.deps.applier.apply(taskId, result.files);
    } catch (error) {
      await caps.release(taskId);
      if (isDatabaseUnavailable(error)) {
        // The writer's ledger is in PostgreSQL: keep the result, and write it at a later reconcile.
        this.deps.logger.warn(
          `Task ${this.chainId}/${taskId}: its files wait for PostgreSQL (${errorMessage(error)}); they are written once it answers.`,
        );
        return 'deferred';
      }
      return { ok: false, reason: `writing its files failed: ${errorMessage(error)}`, outcomes: [] };
    }
    if (!applied.ok) await caps.release(taskId);
    return applied;
  }

  private recordSucceeded(taskId: string, result: TaskResult, outcomes: AppliedFiles['outcomes']): void {
    this.settled.set(taskId, result.attempt);
    this.deps.recordExecution(taskId, 'succeeded', result.attempt, result.usage);
    this.deps.mirror.update(
      taskId,
      { ...this.record(result, { ok: true, outcomes }), status: 'succeeded', finishedAt: new Date(), error: null },
      true,
    );
  }

  private record(result: TaskResult, applied: AppliedFiles) {
    return {
      usage: result.usage,
      summary: result.summary,
      output: result,
      fileOutcomes: applied.outcomes,
      // The started event may predate this driver (it was started after the run began).
      attempts: result.attempt,
    };
  }
}
