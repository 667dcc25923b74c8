/**
 * What a worker does with one job: claim the task (exactly one run may commit), gather the
 * outputs of its ancestors, run the Claude conversation, and commit the result. Failures
 * are sorted here: a rate limit waits for the shared limiter without using up an attempt,
 * a transient fault is retried by BullMQ with backoff, a permanent one fails the task and
 * skips its dependents, and a shutdown puts the task back for the next worker.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UnrecoverableError, WaitingError, Worker, type Job, type Queue } from 'bullmq';
import type { ContextAccumulator } from '../context/contextAccumulator';
import { renderContext, scopeContext } from '../context/contextScope';
import type { CommitHandOver } from '../orchestrator/localCommits';
import type { TaskResult } from '../context/types';
import { ancestorsOf, hasDependents, taskById } from '../decomposer/taskGraph';
import { TakossError, errorMessage } from '../errors';
import { AccountLimitError, ClaudeCallError, type ClaudeClient, type RetryAdvice } from '../llm/claudeClient';
import { costUsd } from '../llm/pricing';
import type { Logger } from '../logger';
import type { ChainState } from '../orchestrator/chainState';
import type { TaskJobData } from '../queue/taskQueue';
import { repairInstructions, repairPromptChars } from './repairPrompt';
import { buildTaskRequest } from './taskPrompt';
import { runTask, type TaskRunLimits } from './taskRunner';

/** Durable copies of results (PostgreSQL), for when Redis lost one. */
export interface DurableResults {
  get(chainId: string, taskId: string): Promise<TaskResult | undefined>;
}

/** Why a running job's signal was aborted. */
export const ABORT_REASON = { shutdown: 'takoss:shutdown', cancelled: 'takoss:cancelled' } as const;

export interface TaskProcessorDeps {
  readonly state: ChainState;
  readonly accumulator: ContextAccumulator;
  /** Called per run, so a missing API key fails the task instead of the worker's start. */
  readonly claude: () => ClaudeClient;
  readonly queue: Queue<TaskJobData>;
  readonly logger: Logger;
  readonly durable?: DurableResults;
  /** @defaultValue 60000 */
  readonly contextTokenBudget?: number;
  /** Rate-limit waits per task before it fails. @defaultValue 20 */
  readonly maxRateLimitWaits?: number;
  /** Wait when a 429 carries no retry-after. @defaultValue 30000 */
  readonly defaultRateLimitMs?: number;
  readonly runLimits?: Partial<TaskRunLimits>;
  /** Live text of running tasks. */
  readonly onText?: (chainId: string, taskId: string, delta: string) => void;
  /** Told of each commit this process makes (a driver in the same process applies it at once). */
  readonly handOver?: CommitHandOver;
  /** Jobs running in this process, by job id (for cancelling a chain's runs). */
  readonly active?: Map<string, TaskJobData>;
  /** Runs the task's conversation. @defaultValue runTask (Claude); benchmarks pass a no-op. */
  readonly execute?: typeof runTask;
}

export type TaskProcessorOutcome = 'committed' | 'stale' | 'skipped' | 'cancelled' | 'budget';

/** Output tokens assumed for a run when reserving budget before it starts. */
const ESTIMATED_OUTPUT_TOKENS = 4000;

/**
 * Longest a worker holds its slot for the driver here to queue what its result released:
 * writing files waits for PostgreSQL's ledger, which may be slow or down.
 */
const HAND_OVER_WAIT_MS = 100;

/**
 * Waits for `promise` to settle, or `ms`, whichever comes first. Never throws: the task is
 * committed by then, and a failure here must not send it to the failure handling.
 */
async function settledWithin(promise: Promise<void> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise.catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createTaskProcessor(deps: TaskProcessorDeps) {
  return async (job: Job<TaskJobData>, token?: string, signal?: AbortSignal): Promise<TaskProcessorOutcome> => {
    const { chainId, taskId } = job.data;
    const spec = await deps.state.spec(chainId);
    const task = spec ? taskById(spec.graph, taskId) : undefined;
    if (!spec || !task) {
      throw new UnrecoverableError(
        `Chain ${chainId} has no task "${taskId}" in Redis (expired or lost); resume the chain.`,
      );
    }
    // The chain's driver runs verify tasks itself, in the workspace; a job for one (a retry
    // enqueues one) is left for it.
    if (task.kind === 'verify') return 'skipped';
    const runToken = randomUUID();
    const { direct, indirect } = ancestorsOf(spec.graph, taskId);
    const ancestors = [...direct, ...indirect];
    // A repair's prompt carries the failing output and files: they are read before the claim,
    // so that the budget reservation counts them.
    const prefetched = task.kind === 'repair' ? await deps.accumulator.getResults(chainId, ancestors) : undefined;
    const promptChars = prefetched ? repairPromptChars(task, prefetched) : task.description.length;
    const estimate = costUsd(spec.model, {
      inputTokens: Math.ceil((spec.request.length + promptChars) / 4) + 2000,
      outputTokens: ESTIMATED_OUTPUT_TOKENS,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    // The claim reads the ancestors' results in the same step.
    const started = await deps.state.start(chainId, taskId, runToken, estimate, prefetched ? [] : ancestors);
    if (started.kind === 'cancelled' || started.kind === 'budget') return started.kind;
    if (started.kind !== 'run') return 'skipped';
    const fetched = prefetched ?? started.results;

    deps.active?.set(job.id ?? runToken, job.data);
    try {
      const results = await restoreMissing(deps, chainId, ancestors, fetched);
      const scoped = scopeContext(spec.graph, taskId, results, { tokenBudget: deps.contextTokenBudget ?? 60_000 });
      // What the task received is for the UI: recorded on the next turn of the event loop, by
      // which time the call has started, so its write does not sit between the claim and it.
      const recording = nextTurn()
        .then(() => deps.accumulator.storeContext(chainId, taskId, scoped.received))
        .catch((error: unknown) =>
          deps.logger.warn(`Could not record the context of ${chainId}/${taskId}: ${errorMessage(error)}`),
        );
      const instructions =
        task.kind === 'repair' ? repairInstructions(spec, task, results) : spec.templates?.[taskId]?.instructions;
      const request = buildTaskRequest({
        request: spec.request,
        graph: spec.graph,
        task,
        context: renderContext(scoped),
        ...(instructions ? { instructions } : {}),
      });
      const onText = deps.onText;
      const output = await (deps.execute ?? runTask)(deps.claude(), {
        model: spec.model,
        system: request.system,
        messages: request.messages,
        ...(signal ? { signal } : {}),
        ...(onText ? { onText: (delta: string) => onText(chainId, taskId, delta) } : {}),
        ...(deps.runLimits ? { limits: deps.runLimits } : {}),
      });
      await recording;
      const result: TaskResult = {
        taskId,
        title: task.title,
        summary: output.summary,
        files: output.files,
        usage: output.usage,
        model: spec.model,
        attempt: started.attempt,
        completedAt: new Date().toISOString(),
      };
      deps.handOver?.committing(runToken);
      let committed: Awaited<ReturnType<ChainState['commit']>> | undefined;
      let handedOver: Promise<void> | undefined;
      try {
        committed = await deps.state.commit(chainId, runToken, result);
      } finally {
        handedOver = deps.handOver?.committed(
          runToken,
          committed === 'committed' ? { chainId, runToken, result } : undefined,
        );
      }
      if (committed === 'committed') {
        // The slot this job frees takes the next job as it finishes: the tasks this result
        // released should be on the queue by then, to be weighed against the ones already there.
        // Not when shutting down or cancelled: the worker takes no next job then.
        if (hasDependents(spec.graph, taskId) && !signal?.aborted) await settledWithin(handedOver, HAND_OVER_WAIT_MS);
        return 'committed';
      }
      if (committed === 'cancelled') return 'cancelled';
      // This run lost its lock (a stall, a network split) and a newer run took the task over.
      deps.logger.warn(
        `Task ${chainId}/${taskId}: a newer run took it over while this one was stalled; this run's result is discarded.`,
      );
      return 'stale';
    } catch (error) {
      return await handleFailure(deps, job, token, signal, runToken, error);
    } finally {
      deps.active?.delete(job.id ?? runToken);
    }
  };
}

/** Fills results missing from Redis from (and back into Redis from) their durable copies. */
async function restoreMissing(
  deps: TaskProcessorDeps,
  chainId: string,
  taskIds: readonly string[],
  results: Map<string, TaskResult>,
): Promise<Map<string, TaskResult>> {
  if (!deps.durable) return results;
  for (const taskId of taskIds.filter((id) => !results.has(id))) {
    const restored = await deps.durable.get(chainId, taskId);
    if (!restored) continue;
    await deps.accumulator.storeResult(chainId, restored);
    results.set(taskId, restored);
    deps.logger.warn(`Restored the result of ${chainId}/${taskId} from PostgreSQL (it had left Redis).`);
  }
  return results;
}

function adviceFor(error: unknown): RetryAdvice {
  if (error instanceof ClaudeCallError) return error.advice;
  // Our own errors are deliberate refusals (bad output, missing context): retrying repeats them.
  if (error instanceof TakossError) return 'never';
  return 'backoff';
}

async function handleFailure(
  deps: TaskProcessorDeps,
  job: Job<TaskJobData>,
  token: string | undefined,
  signal: AbortSignal | undefined,
  runToken: string,
  error: unknown,
): Promise<TaskProcessorOutcome> {
  const { chainId, taskId } = job.data;
  const message = errorMessage(error);
  const advice = adviceFor(error);

  if (advice === 'aborted' || signal?.aborted) {
    if (signal?.reason === ABORT_REASON.cancelled) {
      await deps.state.cancelRunning(chainId, taskId);
      return 'cancelled';
    }
    // Shutting down: hand the task back untouched; the next worker starts it afresh.
    await deps.state.requeue(chainId, taskId, runToken, 'the worker shut down');
    await job.moveToWait(token);
    throw new WaitingError();
  }

  if (advice === 'rateLimit') {
    const waits = (job.data.rateLimitWaits ?? 0) + 1;
    if (waits <= (deps.maxRateLimitWaits ?? 20)) {
      const waitMs =
        error instanceof ClaudeCallError && error.retryAfterMs
          ? error.retryAfterMs
          : (deps.defaultRateLimitMs ?? 30_000);
      await deps.state.requeue(chainId, taskId, runToken, `${message} — waiting ${Math.round(waitMs / 1000)} s`);
      await job.updateData({ ...job.data, rateLimitWaits: waits });
      // One limiter for the whole queue: every worker on every machine pauses, and the
      // job goes back to waiting without using up an attempt.
      await deps.queue.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
  }

  const attempts = job.opts.attempts ?? 1;
  const attemptsLeft = job.attemptsMade + 1 < attempts;
  if (advice === 'backoff' && attemptsLeft) {
    await deps.state.requeue(chainId, taskId, runToken, message);
    deps.logger.warn(`Task ${chainId}/${taskId} attempt ${job.attemptsMade + 1} of ${attempts} failed: ${message}`);
    throw error instanceof Error ? error : new Error(message);
  }
  const reason = advice === 'backoff' ? `${message} (after ${attempts} attempts)` : message;
  await deps.state.fail(chainId, taskId, reason, runToken, error instanceof AccountLimitError ? 'spend_limit' : '');
  deps.logger.error(`Task ${chainId}/${taskId} failed: ${reason}`);
  throw new UnrecoverableError(reason);
}
