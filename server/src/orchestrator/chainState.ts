/**
 * The live state of chains in Redis: a typed face on the Lua state machine in
 * chainScripts.ts, plus creating a chain's keys and reading them back.
 */
import type { Redis } from 'ioredis';
import { chainKeys, type ChainKeys } from '../context/keys';
import type { TaskResult, VerifyVerdict } from '../context/types';
import { dependentsOf } from '../decomposer/taskGraph';
import type { Usage } from '../llm/usage';
import {
  CANCEL_CHAIN,
  CANCEL_RUNNING,
  COMMIT_RESULT,
  COMPLETE_TASK,
  FAIL_TASK,
  REQUEUE_TASK,
  RETRY_TASK,
  START_TASK,
} from './chainScripts';

import {
  CHAIN_FINAL_STATUSES,
  type ChainFinalStatus,
  type ChainMeta,
  type ChainSpec,
  type ChainStatus,
  type ChainVerdict,
  type CompleteOutcome,
  type ReleasedTask,
  type StartOutcome,
  type TaskState,
} from './chainTypes';

export * from './chainTypes';

interface ScriptCommands {
  takossStartTask(...args: (string | number)[]): Promise<(string | null)[]>;
  takossCommitResult(...args: (string | number)[]): Promise<string>;
  takossCompleteTask(...args: (string | number)[]): Promise<string[]>;
  takossFailTask(...args: (string | number)[]): Promise<string>;
  takossRequeueTask(...args: (string | number)[]): Promise<string>;
  takossCancelChain(...args: (string | number)[]): Promise<string>;
  takossCancelRunning(...args: (string | number)[]): Promise<string>;
  takossRetryTask(...args: (string | number)[]): Promise<string[]>;
}

/** `keys` undefined: the call passes the number of its keys first. */
const SCRIPTS: Record<keyof ScriptCommands, { source: string; keys: number | undefined }> = {
  takossStartTask: { source: START_TASK, keys: undefined },
  takossCommitResult: { source: COMMIT_RESULT, keys: 11 },
  takossCompleteTask: { source: COMPLETE_TASK, keys: 11 },
  takossFailTask: { source: FAIL_TASK, keys: 10 },
  takossRequeueTask: { source: REQUEUE_TASK, keys: 10 },
  takossCancelChain: { source: CANCEL_CHAIN, keys: 10 },
  takossCancelRunning: { source: CANCEL_RUNNING, keys: 10 },
  takossRetryTask: { source: RETRY_TASK, keys: 11 },
};

function scriptKeys(keys: ChainKeys): string[] {
  return [
    keys.meta,
    keys.states,
    keys.pending,
    keys.dependents,
    keys.attempts,
    keys.runs,
    keys.usage,
    keys.errors,
    keys.events,
    keys.history,
  ];
}

const now = () => new Date().toISOString();
const finalStatus = (value: string | undefined): ChainFinalStatus | undefined =>
  (CHAIN_FINAL_STATUSES as readonly string[]).includes(value ?? '') ? (value as ChainFinalStatus) : undefined;

export interface ChainStateOptions {
  /** TTL of every key of a chain, refreshed while it lives. @defaultValue 3600 */
  readonly ttlSeconds: number;
  /** @defaultValue 5000 */
  readonly maxHistory?: number;
}

/**
 * Specs are immutable once created, so workers keep recent ones instead of re-reading them per
 * task; bounded by the tasks they hold (a 1,000-task spec is megabytes once indexed).
 */
const SPEC_CACHE_TASKS = 2000;

export class ChainState {
  private readonly redis: Redis & ScriptCommands;
  private readonly specs = new Map<string, ChainSpec>();
  private cachedTasks = 0;

  constructor(
    redis: Redis,
    private readonly options: ChainStateOptions,
  ) {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua: script.source, numberOfKeys: script.keys });
    }
    this.redis = redis as Redis & ScriptCommands;
  }

  /** Creates the chain's keys: roots queued, the rest waiting. Returns the root task ids. */
  async create(spec: ChainSpec, budgetUsd: number | undefined): Promise<string[]> {
    const keys = chainKeys(spec.chainId);
    const dependents = dependentsOf(spec.graph);
    const roots = spec.graph.tasks.filter((task) => task.dependsOn.length === 0).map((task) => task.id);
    const ttl = this.options.ttlSeconds;
    const multi = this.redis.multi();
    multi.set(keys.spec, JSON.stringify(spec), 'EX', ttl);
    multi.hset(keys.meta, {
      status: 'queued',
      ttl,
      remaining: spec.graph.tasks.length,
      spentUsd: 0,
      reservedUsd: 0,
      ...(budgetUsd === undefined ? {} : { budgetUsd }),
      createdAt: spec.createdAt,
    });
    // One command per hash, whatever the size of the graph (Maps: a task id is never a prototype key).
    const states = new Map<string, string>();
    const pending = new Map<string, number>();
    const dependentLists = new Map<string, string>();
    for (const task of spec.graph.tasks) {
      states.set(task.id, task.dependsOn.length === 0 ? 'queued' : 'waiting');
      pending.set(task.id, task.dependsOn.length);
      dependentLists.set(task.id, JSON.stringify(dependents.get(task.id) ?? []));
    }
    multi.hset(keys.states, states);
    multi.hset(keys.pending, pending);
    multi.hset(keys.dependents, dependentLists);
    multi.xadd(keys.events, 'MAXLEN', '~', 10_000, '*', 'type', 'chain.created', 'taskId', '', 'data', '');
    for (const key of [keys.meta, keys.states, keys.pending, keys.dependents, keys.events]) multi.expire(key, ttl);
    await multi.exec();
    return roots;
  }

  async spec(chainId: string): Promise<ChainSpec | undefined> {
    const cached = this.specs.get(chainId);
    if (cached) return cached;
    const raw = await this.redis.get(chainKeys(chainId).spec);
    if (raw === null) return undefined;
    const spec = JSON.parse(raw) as ChainSpec;
    this.specs.set(chainId, spec);
    this.cachedTasks += spec.graph.tasks.length;
    // Oldest first, always keeping the one just read.
    for (const oldest of this.specs.keys()) {
      if (this.cachedTasks <= SPEC_CACHE_TASKS || oldest === chainId) break;
      this.forgetSpec(oldest);
    }
    return spec;
  }

  /** Drops a chain's cached spec (its driver calls this once the chain has ended). */
  forgetSpec(chainId: string): void {
    const spec = this.specs.get(chainId);
    if (!spec) return;
    this.specs.delete(chainId);
    this.cachedTasks -= spec.graph.tasks.length;
  }

  /** Claims `taskId` for run `runToken`, reading the results of `resultsOf` in the same step. */
  async start(
    chainId: string,
    taskId: string,
    runToken: string,
    estimateUsd: number,
    resultsOf: readonly string[] = [],
  ): Promise<StartOutcome> {
    const keys = chainKeys(chainId);
    const [kind, value, ...raws] = await this.redis.takossStartTask(
      10 + resultsOf.length,
      ...scriptKeys(keys),
      ...resultsOf.map((id) => keys.result(id)),
      taskId,
      runToken,
      estimateUsd,
      now(),
    );
    switch (kind) {
      case 'run': {
        const results = new Map<string, TaskResult>();
        raws.forEach((raw, index) => {
          if (raw !== null) results.set(resultsOf[index]!, JSON.parse(raw) as TaskResult);
        });
        return { kind: 'run', attempt: Number(value), results };
      }
      case 'done':
        return { kind: 'done', state: value as TaskState };
      case 'cancelled':
      case 'budget':
      case 'notReady':
      case 'unknown':
        return { kind };
      default:
        throw new Error(`Unexpected answer from the start script: ${String(kind)}`);
    }
  }

  /**
   * Stores the run's result if it still holds the task: `stale` when a newer run took over,
   * `cancelled` when the chain is being cancelled (the task is settled cancelled).
   */
  async commit(chainId: string, runToken: string, result: TaskResult): Promise<'committed' | 'stale' | 'cancelled'> {
    const keys = chainKeys(chainId);
    const event = { at: result.completedAt, type: 'result.stored', taskId: result.taskId };
    const answer = await this.redis.takossCommitResult(
      ...scriptKeys(keys),
      keys.result(result.taskId),
      result.taskId,
      runToken,
      JSON.stringify(result),
      JSON.stringify(result.usage),
      result.usage.costUsd,
      JSON.stringify(event),
      this.options.ttlSeconds,
      this.options.maxHistory ?? 5000,
      now(),
    );
    return answer === 'committed' || answer === 'cancelled' ? answer : 'stale';
  }

  /**
   * Completes a generated task (only run `runToken`'s, when given); a verify passes its
   * verdict (see COMPLETE_TASK).
   */
  async complete(chainId: string, taskId: string, verdict?: VerifyVerdict, runToken = ''): Promise<CompleteOutcome> {
    const keys = chainKeys(chainId);
    const kept: ChainVerdict | undefined = verdict && {
      outcome: verdict.outcome,
      round: verdict.round,
      detail: verdict.detail,
      ...(verdict.step ? { step: verdict.step } : {}),
    };
    const answer = await this.redis.takossCompleteTask(
      ...scriptKeys(keys),
      keys.jobs,
      taskId,
      now(),
      kept ? JSON.stringify(kept) : '',
      runToken,
    );
    if (answer[0] === 'noop') return { released: [], noop: true };
    const finished = finalStatus(answer[answer.length - 1]);
    const released: ReleasedTask[] = [];
    for (let index = 0; index + 1 < answer.length - 1; index += 2) {
      released.push({ taskId: answer[index]!, generation: Number(answer[index + 1]) });
    }
    return { released, noop: false, ...(finished ? { finished } : {}) };
  }

  /** Fails the task (only the run holding `runToken`, when given). Returns the chain's final status if it ended. */
  /** `stop` also stops the chain: nothing else starts, and it ends `budget_exceeded` (a retry lifts it). */
  async fail(
    chainId: string,
    taskId: string,
    reason: string,
    runToken = '',
    stop: 'spend_limit' | '' = '',
  ): Promise<ChainFinalStatus | undefined> {
    const answer = await this.redis.takossFailTask(
      ...scriptKeys(chainKeys(chainId)),
      taskId,
      reason,
      now(),
      runToken,
      stop,
    );
    return finalStatus(answer);
  }

  async requeue(chainId: string, taskId: string, runToken: string, reason: string): Promise<boolean> {
    const answer = await this.redis.takossRequeueTask(...scriptKeys(chainKeys(chainId)), taskId, runToken, reason);
    return answer === 'requeued';
  }

  /** Returns the final status when nothing was running, 'cancelling' when runs must still stop, or undefined if the chain had already ended. */
  async cancel(chainId: string): Promise<ChainFinalStatus | 'cancelling' | undefined> {
    const answer = await this.redis.takossCancelChain(...scriptKeys(chainKeys(chainId)), now());
    if (answer === 'noop' || answer === 'unknown') return undefined;
    return finalStatus(answer) ?? 'cancelling';
  }

  async cancelRunning(chainId: string, taskId: string): Promise<ChainFinalStatus | undefined> {
    return finalStatus(await this.redis.takossCancelRunning(...scriptKeys(chainKeys(chainId)), taskId, now()));
  }

  /**
   * Runs a failed, skipped or cancelled task again (and the dependents skipped because of
   * it). Returns the job to enqueue when the task is ready, `waiting` when a dependency
   * must finish first, or `noop` with the task's state when it cannot be retried.
   */
  async retry(
    chainId: string,
    taskId: string,
  ): Promise<{ kind: 'queued'; job: ReleasedTask } | { kind: 'waiting' } | { kind: 'noop'; state: string }> {
    const keys = chainKeys(chainId);
    const [kind, value] = await this.redis.takossRetryTask(...scriptKeys(keys), keys.jobs, taskId);
    if (kind === 'queued') return { kind, job: { taskId, generation: Number(value) } };
    if (kind === 'waiting') return { kind };
    return { kind: 'noop', state: value ?? '' };
  }

  async states(chainId: string): Promise<Record<string, TaskState>> {
    return (await this.redis.hgetall(chainKeys(chainId).states)) as Record<string, TaskState>;
  }

  /** A task's state and the token of its latest run (what a driver checks before applying a result). */
  async generation(chainId: string, taskId: string): Promise<{ state?: TaskState; runToken?: string }> {
    const keys = chainKeys(chainId);
    const [state, run] = await Promise.all([this.redis.hget(keys.states, taskId), this.redis.hget(keys.runs, taskId)]);
    const runToken = run ? (JSON.parse(run) as { token?: string }).token : undefined;
    return { ...(state ? { state: state as TaskState } : {}), ...(runToken ? { runToken } : {}) };
  }

  async meta(chainId: string): Promise<ChainMeta | undefined> {
    const raw = await this.redis.hgetall(chainKeys(chainId).meta);
    if (!raw.status) return undefined;
    return {
      status: raw.status as ChainStatus,
      remaining: Number(raw.remaining ?? 0),
      spentUsd: Number(raw.spentUsd ?? 0),
      reservedUsd: Number(raw.reservedUsd ?? 0),
      ...(raw.budgetUsd ? { budgetUsd: Number(raw.budgetUsd) } : {}),
      ...(raw.stopReason ? { stopReason: raw.stopReason } : {}),
      ...(raw.createdAt ? { createdAt: raw.createdAt } : {}),
      ...(raw.finishedAt ? { finishedAt: raw.finishedAt } : {}),
      ...(raw.verification ? { verification: JSON.parse(raw.verification) as ChainVerdict } : {}),
    };
  }

  async taskDetails(chainId: string): Promise<{
    attempts: Record<string, number>;
    usage: Record<string, Usage>;
    errors: Record<string, string>;
  }> {
    const keys = chainKeys(chainId);
    const [attempts, usage, errors] = await Promise.all([
      this.redis.hgetall(keys.attempts),
      this.redis.hgetall(keys.usage),
      this.redis.hgetall(keys.errors),
    ]);
    return {
      attempts: Object.fromEntries(Object.entries(attempts).map(([id, value]) => [id, Number(value)])),
      usage: Object.fromEntries(Object.entries(usage).map(([id, value]) => [id, JSON.parse(value) as Usage])),
      errors,
    };
  }
}
