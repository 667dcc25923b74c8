/**
 * The BullMQ queue that carries tasks. A job names a task and nothing else (no prompt, no
 * key): workers read what they need from the chain's state. BullMQ flows are not used —
 * they are trees and hang on shared dependencies (FACTS.md); the dependency graph is run by
 * the Lua state machine, which enqueues a task the moment its last dependency succeeds.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { chainKeys } from '../context/keys';
import type { TaskGraph } from '../decomposer/taskGraph';
import { TakossError } from '../errors';
import { taskPriority } from './taskPriority';

export interface TaskJobData {
  readonly chainId: string;
  readonly taskId: string;
  /** Times the task waited for the rate limiter (bounded, so a 429 loop ends). */
  readonly rateLimitWaits?: number;
}

export interface QueueSettings {
  /** @defaultValue 'takoss-tasks' */
  readonly name: string;
  /** Key prefix of BullMQ's own keys. @defaultValue 'takoss' */
  readonly prefix: string;
  /** Attempts per task for transient faults. @defaultValue 4 */
  readonly attempts: number;
  /** First retry delay, doubled each attempt. @defaultValue 2000 */
  readonly backoffMs: number;
  /** How long a worker's lock on a job lasts without renewal. @defaultValue 30000 */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose worker died. @defaultValue 15000 */
  readonly stalledIntervalMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  name: 'takoss-tasks',
  prefix: 'takoss',
  attempts: 4,
  backoffMs: 2000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
};

/** Bounded retention: finished jobs are kept for a while for inspection, never forever. */
export function jobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 24 * 3600, count: 1000 },
  };
}

/** Job ids carry a generation, so a task can be enqueued afresh (resume, retry) without clashing. */
export function taskJobId(chainId: string, taskId: string, generation: number): string {
  return `${chainId}.${taskId}.${generation}`;
}

export function createTaskQueue(connection: ConnectionOptions, settings: QueueSettings): Queue<TaskJobData> {
  return new Queue<TaskJobData>(settings.name, {
    connection,
    prefix: settings.prefix,
    defaultJobOptions: jobOptions(settings),
  });
}

const jobGenerations = (chainId: string) => chainKeys(chainId).jobs;

/**
 * Adds one job per task of `graph`, each with a new generation, in one round trip for the ids
 * and one for the jobs. Returns the job ids.
 */
export async function enqueueTasks(
  queue: Queue<TaskJobData>,
  redis: Redis,
  chainId: string,
  graph: TaskGraph | undefined,
  taskIds: readonly string[],
  ttlSeconds: number,
): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const multi = redis.multi();
  for (const taskId of taskIds) multi.hincrby(jobGenerations(chainId), taskId, 1);
  multi.expire(jobGenerations(chainId), ttlSeconds);
  const replies = (await multi.exec()) ?? [];
  const jobs = taskIds.map((taskId, index) => ({ taskId, generation: Number(replies[index]?.[1] ?? 1) }));
  return addTaskJobs(queue, chainId, graph, jobs);
}

/**
 * Adds jobs whose generations are already reserved (the completion script does that), each
 * with its task's priority in `graph` (taskPriority.ts).
 */
export async function addTaskJobs(
  queue: Queue<TaskJobData>,
  chainId: string,
  graph: TaskGraph | undefined,
  jobs: readonly { taskId: string; generation: number }[],
): Promise<string[]> {
  const entries = jobs.map((job) => ({
    name: 'task',
    data: { chainId, taskId: job.taskId },
    opts: { jobId: taskJobId(chainId, job.taskId, job.generation), priority: taskPriority(graph, job.taskId) },
  }));
  const [single] = entries;
  // One job is the usual case on a chain's critical path: add() skips addBulk's pipeline and
  // batch bookkeeping (0.7 against 1.0–1.3 ms for one job, measured cold).
  if (entries.length === 1 && single) await queue.add(single.name, single.data, single.opts);
  else if (entries.length > 1) await queue.addBulk(entries);
  return entries.map((entry) => entry.opts.jobId);
}

/** The id of the newest job enqueued for a task, if any. */
export async function currentJobId(redis: Redis, chainId: string, taskId: string): Promise<string | undefined> {
  const generation = await redis.hget(jobGenerations(chainId), taskId);
  return generation === null ? undefined : taskJobId(chainId, taskId, Number(generation));
}

/**
 * Queue tuning from the environment, for operators and tests: TAKOSS_QUEUE_NAME,
 * TAKOSS_QUEUE_PREFIX (isolate deployments on one Redis), TAKOSS_TASK_ATTEMPTS,
 * TAKOSS_RETRY_BACKOFF_MS, TAKOSS_LOCK_DURATION_MS, TAKOSS_STALLED_INTERVAL_MS.
 */
export function queueSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<QueueSettings> {
  const settings: { -readonly [K in keyof QueueSettings]?: QueueSettings[K] } = {};
  const name = env.TAKOSS_QUEUE_NAME?.trim();
  const prefix = env.TAKOSS_QUEUE_PREFIX?.trim();
  if (name) settings.name = checkName('TAKOSS_QUEUE_NAME', name);
  if (prefix) settings.prefix = checkName('TAKOSS_QUEUE_PREFIX', prefix);
  const numbers: [keyof QueueSettings, string, number][] = [
    ['attempts', 'TAKOSS_TASK_ATTEMPTS', 1],
    ['backoffMs', 'TAKOSS_RETRY_BACKOFF_MS', 0],
    ['lockDurationMs', 'TAKOSS_LOCK_DURATION_MS', 1000],
    ['stalledIntervalMs', 'TAKOSS_STALLED_INTERVAL_MS', 500],
  ];
  for (const [key, variable, minimum] of numbers) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) {
      throw new TakossError(
        'usage',
        `Invalid environment variable ${variable} = "${raw}": use a whole number ≥ ${minimum}.`,
      );
    }
    (settings as Record<string, number>)[key] = value;
  }
  return settings;
}

function checkName(variable: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new TakossError(
      'usage',
      `Invalid environment variable ${variable} = "${value}": use letters, digits, "-" and "_".`,
    );
  }
  return value;
}
