/**
 * Drives one chain for its owner — the process that started it (`takoss build`, or the
 * backend of the VS Code window) or resumed it. Workers anywhere produce results; the
 * driver is the one that puts their files into the workspace, marks the task succeeded
 * (which releases its dependents), enqueues what was released, mirrors everything to
 * PostgreSQL, and reports progress. It follows the chain's event stream, and reconciles
 * with the state in Redis on start and every few seconds, so nothing is lost if an event
 * was missed or a process died between two steps.
 */
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ContextAccumulator } from '../context/contextAccumulator';
import { chainKeys } from '../context/keys';
import type { TaskResult } from '../context/types';
import { errorMessage } from '../errors';
import { ZERO_USAGE, addUsage, type Usage } from '../llm/usage';
import type { Logger } from '../logger';
import { PriorityAgeing } from '../queue/priorityAgeing';
import { addTaskJobs, currentJobId, enqueueTasks, type TaskJobData } from '../queue/taskQueue';
import type { ChainRepository } from './chainRepository';
import { ChainMirror } from './chainMirror';
import type { LocalCommits } from './localCommits';
import type { TemplateDb } from '../templates/templateStore';
import type { ExecutionStatus } from '../templates/templateUsage';
import type { ChainWriteLimits } from '../workspace/fileReview';
import { ChainWriteCaps } from './chainWriteCaps';
import { ResultApplier } from './resultApplier';
import { chainVerification } from './chainVerification';
import { VerifyTasks, type VerifySetup } from './verifyTasks';
import {
  DEFAULT_REDIS_OUTAGE_TOLERANCE_MS,
  describeRedisClient,
  isRedisUnavailable,
  waitForRedis,
} from '../services/redisOutage';
import type { ChainFinalStatus, ChainSpec, ChainState, ReleasedTask } from './chainState';
import {
  ChainStateLostError,
  describeStop,
  parseEvent,
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
  /** How long a task's job waits before a reconcile moves it up the queue. @defaultValue DEFAULT_PROMOTE_AFTER_MS */
  readonly priorityAgeingMs?: number;
  /** @defaultValue DEFAULT_CHAIN_WRITE_LIMITS */
  readonly chainLimits?: Partial<ChainWriteLimits>;
  /** Results committed by a worker in this process, applied without waiting for the event stream. */
  readonly localCommits?: LocalCommits;
  /** Called once when run() returns or throws (the engine closes the blocking client). */
  readonly onFinished?: () => void;
  /** How long to wait for Redis to come back after it went away. @defaultValue DEFAULT_REDIS_OUTAGE_TOLERANCE_MS */
  readonly redisOutageToleranceMs?: number;
  /** Where and with whose consent verify tasks run; without it they report `not_run`. */
  readonly verify?: VerifySetup;
}

export class ChainDriver {
  private readonly listeners = new Set<(event: ChainEvent) => void>();
  private readonly mirror: ChainMirror;
  /** When each task's current run started, for its execution record. */
  private readonly startedAt = new Map<string, number>();
  /** The newest attempt each task was seen starting (from the event stream). */
  private readonly startedAttempts = new Map<string, number>();
  private readonly results: ResultApplier;
  private readonly verifyTasks: VerifyTasks;
  private spec: ChainSpec | undefined;
  private stopped = false;
  private readonly ageing: PriorityAgeing;

  constructor(
    private readonly chainId: string,
    private readonly deps: ChainDriverDeps,
  ) {
    this.ageing = new PriorityAgeing(deps.queue, deps.priorityAgeingMs);
    this.mirror = new ChainMirror(chainId, deps.repository, deps.accumulator, deps.logger, deps.templates);
    this.results = new ResultApplier(chainId, {
      state: deps.state,
      accumulator: deps.accumulator,
      applier: deps.applier,
      caps: new ChainWriteCaps(deps.redis, chainId, deps.chainLimits),
      mirror: this.mirror,
      logger: deps.logger,
      recordExecution: (...args) => this.recordExecution(...args),
    });
    this.verifyTasks = new VerifyTasks(chainId, () => this.spec, {
      state: deps.state,
      results: this.results,
      logger: deps.logger,
      setup: deps.verify,
      enqueue: (released) => this.dispatch(released),
    });
  }

  onEvent(listener: (event: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the chain (the chain itself goes on; resume picks it up). */
  stop(): void {
    this.stopped = true;
    this.verifyTasks.abortAll('stopped');
  }

  /** Follows the chain until it ends; resolves with its final status and usage. */
  async run(): Promise<DriveResult> {
    this.spec = await this.deps.state.spec(this.chainId);
    const events = chainKeys(this.chainId).events;
    const newest = await this.deps.redis.xrevrange(events, '+', '-', 'COUNT', 1);
    const unsubscribe = this.deps.localCommits?.subscribe(this.chainId, {
      committed: ({ runToken, result }) => this.applyHandedOver(result.taskId, runToken, result),
      unresolved: (taskId, runToken) => void this.applyHandedOver(taskId, runToken),
    });
    try {
      let followed: { lastId: string; finished: boolean };
      try {
        followed = await this.follow(events, newest[0]?.[0] ?? '0');
      } finally {
        unsubscribe?.();
        await this.verifyTasks.idle();
        await this.results.idle();
      }
      const { lastId, finished } = followed;
      if (!finished) return await this.current();
      // The step that ended the chain wrote its own events after the ones read so far: pass them on.
      const rest = await this.deps.redis.xread('COUNT', 1000, 'STREAMS', events, lastId);
      for (const [, fields] of rest?.[0]?.[1] ?? []) this.emit(parseEvent(fields));
      const result = await this.finish();
      this.deps.state.forgetSpec(this.chainId);
      return result;
    } finally {
      this.deps.onFinished?.();
    }
  }

  /** Follows the event stream from `after` until the chain ends or the driver is stopped. */
  private async follow(events: string, after: string): Promise<{ lastId: string; finished: boolean }> {
    let lastId = after;
    let finished = false;
    let reconcileAt = 0;
    /** When Redis went away, while it stays away (successive failures are one outage). */
    let outageSince: number | undefined;
    while (!finished && !this.stopped) {
      try {
        if (Date.now() >= reconcileAt) {
          finished = await this.reconcile();
          reconcileAt = Date.now() + (this.deps.reconcileIntervalMs ?? 5000);
          if (finished) break;
        }
        ({ lastId, finished } = await this.followEvents(events, lastId));
        outageSince = undefined;
      } catch (error) {
        if (this.stopped) break;
        if (!isRedisUnavailable(error)) throw error;
        // Redis restarted or the connection dropped: wait for it, then catch up through a
        // reconcile (it applies what finished meanwhile and re-enqueues lost jobs).
        const announce = outageSince === undefined;
        outageSince ??= Date.now();
        await waitForRedis([this.deps.redis, this.deps.blockingRedis], error, {
          logger: this.deps.logger,
          target: describeRedisClient(this.deps.redis),
          deadline: outageSince + (this.deps.redisOutageToleranceMs ?? DEFAULT_REDIS_OUTAGE_TOLERANCE_MS),
          announce,
          stopped: () => this.stopped,
        });
        reconcileAt = 0;
      }
    }
    return { lastId, finished };
  }

  /**
   * Applies what this process's worker handed over at once: its committed result, or (no
   * result: its commit had no answer) whatever Redis holds for that run.
   */
  private async applyHandedOver(taskId: string, runToken: string, result?: TaskResult): Promise<void> {
    const released: ReleasedTask[] = [];
    try {
      await this.results.apply(taskId, runToken, released, result);
      await this.dispatch(released);
    } catch (error) {
      // Nothing is lost: the task is still `generated`, or released tasks have no job yet;
      // the next reconcile applies or enqueues them.
      this.deps.logger.debug(`Task ${this.chainId}/${taskId}: left for the next reconcile (${errorMessage(error)}).`);
    }
  }

  /** Reads and handles the next batch of events after `lastId` (blocking up to a second). */
  private async followEvents(events: string, after: string): Promise<{ lastId: string; finished: boolean }> {
    const reply = await this.deps.blockingRedis.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', events, after);
    // A script's reply (a claim, a commit, a completion) usually arrives in the same I/O turn
    // as the event it wrote; it continues a chain's critical path, so it goes before the batch.
    await setImmediatePromise();
    let lastId = after;
    let finished = false;
    // Events are handled in order; writing the files of generated tasks (independent of
    // each other) runs concurrently within a batch.
    const applying: Promise<boolean>[] = [];
    const released: ReleasedTask[] = [];
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      lastId = id;
      const event = parseEvent(fields);
      if (event.type === 'task.generated') {
        if (!this.deps.localCommits?.takesOver(this.chainId, event.taskId ?? '', event.data ?? '')) {
          applying.push(this.results.apply(event.taskId ?? '', event.data, released));
        }
      } else finished = (await this.handle(event)) || finished;
      this.emit(event);
    }
    finished = (await Promise.all(applying)).some(Boolean) || finished;
    // Everything the batch released goes to the queue in one call.
    await this.dispatch(released);
    return { lastId, finished };
  }

  /** Starts released verify tasks here and puts the rest on the queue. */
  private async dispatch(released: readonly ReleasedTask[]): Promise<void> {
    await addTaskJobs(this.deps.queue, this.chainId, this.spec?.graph, this.verifyTasks.take(released));
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
      case 'task.started': {
        const attempt = Number(event.data);
        this.startedAttempts.set(taskId, attempt);
        // Read late (the task was already applied through the local hand-over): stale.
        if (attempt <= this.results.settledAttempt(taskId)) return false;
        this.startedAt.set(taskId, Date.now());
        this.mirror.update(taskId, { status: 'running', attempts: attempt, startedAt: new Date() });
        return false;
      }
      case 'task.retrying':
        if ((this.startedAttempts.get(taskId) ?? 0) <= this.results.settledAttempt(taskId)) return false;
        this.mirror.update(taskId, { status: 'queued', error: event.data ?? null });
        return false;
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled':
      case 'task.unneeded':
        await this.recordSettled(taskId);
        return false;
      case 'chain.cancelling':
        this.verifyTasks.abortAll('cancelled');
        return false;
      case 'chain.finished':
        return true;
      default:
        return false;
    }
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
    const waitingJobs = new Map<string, string>();
    for (const [taskId, taskState] of Object.entries(states)) {
      if (taskState === 'generated') {
        // No token: the applier takes the task's current run, and marks it applied.
        if (await this.results.apply(taskId, undefined, released)) return true;
      } else if ((taskState === 'queued' || taskState === 'running') && this.verifyTasks.owns(taskId)) {
        // Verify tasks have no job: one left by a driver that stopped runs again here.
        this.verifyTasks.start(taskId);
      } else if (taskState === 'queued' || taskState === 'running') {
        const jobId = await currentJobId(redis, this.chainId, taskId);
        const jobState = jobId ? await queue.getJobState(jobId) : 'unknown';
        if (jobState === 'unknown' || jobState === 'completed' || jobState === 'failed') lost.push(taskId);
        else if (jobId && jobState === 'prioritized') waitingJobs.set(taskId, jobId);
      }
    }
    const promoted = await this.ageing.review(waitingJobs);
    if (promoted.length > 0) {
      this.deps.logger.info(`Chain ${this.chainId}: ${promoted.join(', ')} waited long; moved up the queue.`);
    }
    await this.dispatch(released);
    if (lost.length > 0) {
      this.deps.logger.info(`Chain ${this.chainId}: enqueueing ${lost.join(', ')} again (their jobs were gone).`);
      await enqueueTasks(queue, redis, this.chainId, this.spec?.graph, lost, this.deps.accumulator.ttlSeconds);
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
    const verification = this.spec && chainVerification(this.spec.graph, meta?.verification, states, true);
    await this.deps.repository.updateChain(this.chainId, {
      status,
      usage,
      finishedAt: new Date(),
      error: describeStop(meta?.stopReason),
      ...(verification ? { verification } : {}),
    });
    return { status, finished: true, usage, ...(verification ? { verification } : {}) };
  }
}
