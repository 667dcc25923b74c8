/**
 * Drives one chain for its owner — the process that started it (`takoss build`, or the
 * backend of the VS Code window) or resumed it. Workers anywhere produce results; the
 * driver is the one that puts their files into the workspace, marks the task succeeded
 * (which releases its dependents), enqueues what was released, mirrors everything to
 * PostgreSQL, and reports progress. It follows the chain's event stream, and reconciles
 * with the state in Redis on start and every few seconds, so nothing is lost if an event
 * was missed or a process died between two steps.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ContextAccumulator } from '../context/contextAccumulator';
import { chainKeys } from '../context/keys';
import type { TaskResult } from '../context/types';
import { errorMessage } from '../errors';
import { ZERO_USAGE, addUsage, type Usage } from '../llm/usage';
import type { Logger } from '../logger';
import { addTaskJobs, currentJobId, enqueueTasks, type TaskJobData } from '../queue/taskQueue';
import type { ChainRepository } from './chainRepository';
import { ChainMirror } from './chainMirror';
import type { LocalCommit, LocalCommits } from './localCommits';
import type { TemplateDb } from '../templates/templateStore';
import type { ExecutionStatus } from '../templates/templateUsage';
import type { ChainWriteLimits } from '../workspace/fileReview';
import { ChainWriteCaps } from './chainWriteCaps';
import { isDatabaseUnavailable } from '../db/unavailable';
import { describeRedisClient, isRedisUnavailable, waitForRedis } from '../services/redisOutage';
import type { ChainFinalStatus, ChainSpec, ChainState, ReleasedTask } from './chainState';
import {
  ChainStateLostError,
  describeStop,
  parseEvent,
  type AppliedFiles,
  type ChainEvent,
  type DriveResult,
  type FileApplier,
} from './driverTypes';

export type { AppliedFiles, ChainEvent, DriveResult, FileApplier, FileOutcomeSummary } from './driverTypes';
export { ChainStateLostError } from './driverTypes';

export interface ChainDriverDeps {
  /** A connection of its own: XREAD blocks it. */
  readonly blockingRedis: Redis;
  readonly redis: Redis;
  readonly state: ChainState;
  readonly accumulator: ContextAccumulator;
  readonly queue: Queue<TaskJobData>;
  readonly repository: ChainRepository;
  readonly applier: FileApplier;
  readonly logger: Logger;
  /** Where template executions are recorded. */
  readonly templates?: TemplateDb;
  /** @defaultValue 5000 */
  readonly reconcileIntervalMs?: number;
  /** @defaultValue DEFAULT_CHAIN_WRITE_LIMITS */
  readonly chainLimits?: Partial<ChainWriteLimits>;
  /** Results committed by a worker in this process, applied without waiting for the event stream. */
  readonly localCommits?: LocalCommits;
  /** How long to wait for Redis to come back after it went away. @defaultValue DEFAULT_REDIS_OUTAGE_TOLERANCE_MS */
  readonly redisOutageToleranceMs?: number;
}

export class ChainDriver {
  private readonly listeners = new Set<(event: ChainEvent) => void>();
  private readonly mirror: ChainMirror;
  private readonly caps: ChainWriteCaps;
  /** When each task's current run started, for its execution record. */
  private readonly startedAt = new Map<string, number>();
  private spec: ChainSpec | undefined;
  private stopped = false;
  /** Generated tasks being applied now, by task id: a second path to the same task joins in. */
  private readonly applying = new Map<string, Promise<boolean>>();
  /** Runs whose results were applied (their run tokens): the other path skips them. */
  private readonly appliedRuns = new Set<string>();

  constructor(
    private readonly chainId: string,
    private readonly deps: ChainDriverDeps,
  ) {
    this.mirror = new ChainMirror(chainId, deps.repository, deps.accumulator, deps.logger, deps.templates);
    this.caps = new ChainWriteCaps(deps.redis, chainId, deps.chainLimits);
  }

  onEvent(listener: (event: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the chain (the chain itself goes on; resume picks it up). */
  stop(): void {
    this.stopped = true;
  }

  /** Follows the chain until it ends; resolves with its final status and usage. */
  async run(): Promise<DriveResult> {
    this.spec = await this.deps.state.spec(this.chainId);
    const events = chainKeys(this.chainId).events;
    const newest = await this.deps.redis.xrevrange(events, '+', '-', 'COUNT', 1);
    const unsubscribe = this.deps.localCommits?.subscribe(this.chainId, (commit) => void this.applyLocal(commit));
    let followed: { lastId: string; finished: boolean };
    try {
      followed = await this.follow(events, newest[0]?.[0] ?? '0');
    } finally {
      unsubscribe?.();
      await Promise.allSettled(this.applying.values());
    }
    const { lastId, finished } = followed;
    if (!finished) return this.current();
    // The step that ended the chain wrote its own events after the ones read so far: pass them on.
    const rest = await this.deps.redis.xread('COUNT', 1000, 'STREAMS', events, lastId);
    for (const [, fields] of rest?.[0]?.[1] ?? []) this.emit(parseEvent(fields));
    return this.finish();
  }

  /** Follows the event stream from `after` until the chain ends or the driver is stopped. */
  private async follow(events: string, after: string): Promise<{ lastId: string; finished: boolean }> {
    let lastId = after;
    let finished = false;
    let reconcileAt = 0;
    while (!finished && !this.stopped) {
      try {
        if (Date.now() >= reconcileAt) {
          finished = await this.reconcile();
          reconcileAt = Date.now() + (this.deps.reconcileIntervalMs ?? 5000);
          if (finished) break;
        }
        ({ lastId, finished } = await this.followEvents(events, lastId));
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        // Redis restarted or the connection dropped: wait for it, then catch up through a
        // reconcile (it applies what finished meanwhile and re-enqueues lost jobs).
        await waitForRedis(this.deps.redis, error, {
          logger: this.deps.logger,
          target: describeRedisClient(this.deps.redis),
          stopped: () => this.stopped,
          ...(this.deps.redisOutageToleranceMs === undefined ? {} : { toleranceMs: this.deps.redisOutageToleranceMs }),
        });
        reconcileAt = 0;
      }
    }
    return { lastId, finished };
  }

  /** Applies a result committed by this process's worker at once; the stream path is the fallback. */
  private async applyLocal({ runToken, result }: LocalCommit): Promise<void> {
    const released: ReleasedTask[] = [];
    try {
      await this.applyRun(result.taskId, runToken, released, result);
      await addTaskJobs(this.deps.queue, this.chainId, released);
    } catch (error) {
      // Nothing is lost: the task is still `generated` (the stream or a reconcile applies it),
      // or released tasks without a job are enqueued by the next reconcile.
      this.deps.logger.debug(
        `Task ${this.chainId}/${result.taskId}: applied from the stream instead (${errorMessage(error)}).`,
      );
    }
  }

  /**
   * Applies one run's result once, whichever path brings it: the local hand-over, the event
   * stream (both know the run token) or a reconcile (which does not). True when the chain ended.
   */
  private applyRun(
    taskId: string,
    runToken: string | undefined,
    released: ReleasedTask[],
    known?: TaskResult,
  ): Promise<boolean> {
    if (runToken && this.appliedRuns.has(runToken)) return Promise.resolve(false);
    const inFlight = this.applying.get(taskId);
    if (inFlight) return inFlight.then(() => false);
    const applying = this.applyGenerated(taskId, released, known)
      .then((finished) => {
        if (runToken) this.appliedRuns.add(runToken);
        return finished;
      })
      .finally(() => this.applying.delete(taskId));
    this.applying.set(taskId, applying);
    return applying;
  }

  /** Reads and handles the next batch of events after `lastId` (blocking up to a second). */
  private async followEvents(events: string, after: string): Promise<{ lastId: string; finished: boolean }> {
    const reply = await this.deps.blockingRedis.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', events, after);
    let lastId = after;
    let finished = false;
    // Events are handled in order; writing the files of generated tasks (independent of
    // each other) runs concurrently within a batch.
    const applying: Promise<boolean>[] = [];
    const released: ReleasedTask[] = [];
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      lastId = id;
      const event = parseEvent(fields);
      if (event.type === 'task.generated') applying.push(this.applyRun(event.taskId ?? '', event.data, released));
      else finished = (await this.handle(event)) || finished;
      this.emit(event);
    }
    finished = (await Promise.all(applying)).some(Boolean) || finished;
    // Everything the batch released goes to the queue in one call.
    await addTaskJobs(this.deps.queue, this.chainId, released);
    return { lastId, finished };
  }

  private async current(): Promise<DriveResult> {
    await this.mirror.close();
    const meta = await this.deps.state.meta(this.chainId);
    const details = await this.deps.state.taskDetails(this.chainId);
    const usage = Object.values(details.usage).reduce(addUsage, ZERO_USAGE);
    return { status: meta?.status ?? 'running', finished: false, usage };
  }

  private emit(event: ChainEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Records an event other than `task.generated`; true when it says the chain has ended. */
  private async handle(event: ChainEvent): Promise<boolean> {
    const taskId = event.taskId ?? '';
    switch (event.type) {
      case 'task.started':
        this.startedAt.set(taskId, Date.now());
        this.mirror.update(taskId, { status: 'running', attempts: Number(event.data), startedAt: new Date() });
        return false;
      case 'task.retrying':
        this.mirror.update(taskId, { status: 'queued', error: event.data ?? null });
        return false;
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled':
        await this.recordSettled(taskId);
        return false;
      case 'chain.finished':
        return true;
      default:
        return false;
    }
  }

  /** Applies a generated task's files, then completes it; what it released is added to `released`. */
  private async applyGenerated(taskId: string, released: ReleasedTask[], known?: TaskResult): Promise<boolean> {
    const { state, accumulator } = this.deps;
    const [meta, result] = await Promise.all([
      state.meta(this.chainId),
      known ?? accumulator.getResult(this.chainId, taskId),
    ]);
    if (meta?.status === 'cancelling') {
      return (await state.cancelRunning(this.chainId, taskId)) !== undefined;
    }
    if (!result) {
      // Only possible if Redis lost the key: fail the task rather than complete it without files.
      return (
        (await state.fail(this.chainId, taskId, 'its result left Redis before its files were written')) !== undefined
      );
    }
    let applied: AppliedFiles = { ok: true, outcomes: [] };
    const overCap = result.files.length > 0 ? await this.caps.reserve(taskId, result.files) : undefined;
    try {
      if (overCap) applied = { ok: false, reason: overCap, outcomes: [] };
      else if (result.files.length > 0) applied = await this.deps.applier.apply(taskId, result.files);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // The writer's ledger is in PostgreSQL: keep the result, and write it at a later reconcile.
        await this.caps.release(taskId);
        this.deps.logger.warn(
          `Task ${this.chainId}/${taskId}: its files wait for PostgreSQL (${errorMessage(error)}); they are written once it answers.`,
        );
        return false;
      }
      applied = { ok: false, reason: `writing its files failed: ${errorMessage(error)}`, outcomes: [] };
    }
    if (!applied.ok && !overCap && result.files.length > 0) await this.caps.release(taskId);
    const record = {
      usage: result.usage,
      summary: result.summary,
      output: result,
      fileOutcomes: applied.outcomes,
      // The started event may predate this driver (it was started after the run began).
      attempts: result.attempt,
    };
    if (!applied.ok) {
      const finished = await state.fail(this.chainId, taskId, applied.reason);
      this.mirror.update(taskId, { ...record, status: 'failed', finishedAt: new Date(), error: applied.reason }, true);
      this.recordExecution(taskId, 'failed', result.attempt, result.usage, applied.reason);
      return finished !== undefined;
    }
    const completion = await state.complete(this.chainId, taskId);
    if (completion.noop) return false;
    released.push(...completion.released);
    this.recordExecution(taskId, 'succeeded', result.attempt, result.usage);
    this.mirror.update(taskId, { ...record, status: 'succeeded', finishedAt: new Date(), error: null }, true);
    for (const each of completion.released) this.mirror.update(each.taskId, { status: 'queued' });
    return completion.finished !== undefined;
  }

  private async recordSettled(taskId: string): Promise<void> {
    const [states, details] = await Promise.all([
      this.deps.state.states(this.chainId),
      this.deps.state.taskDetails(this.chainId),
    ]);
    const status = states[taskId];
    if (!status) return;
    if (status === 'failed' || status === 'cancelled') {
      this.recordExecution(
        taskId,
        status,
        details.attempts[taskId] ?? 0,
        details.usage[taskId] ?? ZERO_USAGE,
        details.errors[taskId],
      );
    }
    this.mirror.update(taskId, {
      status,
      finishedAt: new Date(),
      attempts: details.attempts[taskId] ?? 0,
      error: details.errors[taskId] ?? null,
      ...(details.usage[taskId] ? { usage: details.usage[taskId] } : {}),
    });
  }

  /** Records the use of the task's pinned template version, if it has one and ever ran. */
  private recordExecution(
    taskId: string,
    status: ExecutionStatus,
    attempts: number,
    usage: Usage,
    error?: string,
  ): void {
    const template = this.spec?.templates?.[taskId];
    if (!template || attempts === 0) return;
    const started = this.startedAt.get(taskId);
    this.mirror.recordExecution({
      templateVersionId: template.versionId,
      chainId: this.chainId,
      taskId,
      model: this.spec?.model ?? 'unknown',
      status,
      attempts,
      executionTimeMs: started === undefined ? 0 : Date.now() - started,
      usage,
      ...(error ? { error } : {}),
    });
  }

  /**
   * Brings the chain in line with its state in Redis: applies generated tasks, re-enqueues
   * queued or running tasks whose job is gone, refreshes the TTL. True when the chain ended.
   */
  async reconcile(): Promise<boolean> {
    const { state, queue, redis } = this.deps;
    const meta = await state.meta(this.chainId);
    if (!meta) throw new ChainStateLostError(this.chainId);
    if (!['queued', 'running', 'cancelling'].includes(meta.status)) return true;
    const states = await state.states(this.chainId);
    await this.deps.accumulator.refreshTtl(this.chainId, Object.keys(states));
    const lost: string[] = [];
    const released: ReleasedTask[] = [];
    for (const [taskId, taskState] of Object.entries(states)) {
      if (taskState === 'generated') {
        if (await this.applyRun(taskId, undefined, released)) return true;
      } else if (taskState === 'queued' || taskState === 'running') {
        const jobId = await currentJobId(redis, this.chainId, taskId);
        const jobState = jobId ? await queue.getJobState(jobId) : 'unknown';
        if (jobState === 'unknown' || jobState === 'completed' || jobState === 'failed') lost.push(taskId);
      }
    }
    await addTaskJobs(queue, this.chainId, released);
    if (lost.length > 0) {
      this.deps.logger.info(`Chain ${this.chainId}: enqueueing ${lost.join(', ')} again (their jobs were gone).`);
      await enqueueTasks(queue, redis, this.chainId, lost, this.deps.accumulator.ttlSeconds);
    }
    return false;
  }

  private async finish(): Promise<DriveResult> {
    const meta = await this.deps.state.meta(this.chainId);
    const details = await this.deps.state.taskDetails(this.chainId);
    const usage = Object.values(details.usage).reduce(addUsage, ZERO_USAGE);
    const status = (meta?.status ?? 'failed') as ChainFinalStatus;
    const states = await this.deps.state.states(this.chainId);
    for (const [taskId, taskState] of Object.entries(states)) {
      if (taskState !== 'succeeded') await this.recordSettled(taskId);
    }
    await this.mirror.close();
    await this.deps.repository.updateChain(this.chainId, {
      status,
      usage,
      finishedAt: new Date(),
      error: describeStop(meta?.stopReason),
    });
    return { status, finished: true, usage };
  }
}
