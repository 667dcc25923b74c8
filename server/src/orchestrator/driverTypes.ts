/**
 * The chain driver's public shapes — what a file applier answers, the events it passes on,
 * what a drive ends with, the error for a chain Redis lost — and how its events and stop
 * reasons are read.
 */
import type { ChainVerificationView } from '../chainSnapshot';
import type { GeneratedFile } from '../context/types';
import { TakossError } from '../errors';
import type { Usage } from '../llm/usage';
import type { ChainFinalStatus } from './chainState';

/** Puts a task's files into the workspace; says why not when it refuses. */
export interface FileApplier {
  apply(taskId: string, files: readonly GeneratedFile[]): Promise<AppliedFiles>;
}

export interface FileOutcomeSummary {
  readonly path: string;
  readonly action: string;
  readonly reason?: string;
}

export type AppliedFiles =
  | { readonly ok: true; readonly outcomes: readonly FileOutcomeSummary[] }
  | { readonly ok: false; readonly reason: string; readonly outcomes: readonly FileOutcomeSummary[] };

export interface ChainEvent {
  readonly type: string;
  readonly taskId?: string;
  readonly data?: string;
}

export interface DriveResult {
  /** The final status, or where the chain stands if the driver was stopped before the end. */
  readonly status: ChainFinalStatus | 'queued' | 'running' | 'cancelling';
  readonly finished: boolean;
  readonly usage: Usage;
  /** Once the chain ended: whether it proved its app installs, builds and passes its tests. */
  readonly verification?: ChainVerificationView;
}

export function parseEvent(fields: string[]): ChainEvent {
  const map = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) map.set(fields[index]!, fields[index + 1]!);
  const taskId = map.get('taskId');
  const data = map.get('data');
  return { type: map.get('type') ?? 'unknown', ...(taskId ? { taskId } : {}), ...(data ? { data } : {}) };
}

/** Why a chain stopped starting tasks, as its record shows it. */
export function describeStop(stopReason: string | undefined): string | null {
  if (stopReason === 'spend_limit') {
    return 'The Anthropic account reached its spend limit: raise it in the Anthropic console, then retry the failed task.';
  }
  return stopReason ?? null;
}

/**
 * The chain's state is gone from Redis (flushed, restarted without persistence, or another
 * Redis) while PostgreSQL still has the chain: it is interrupted, and resumable.
 */
export class ChainStateLostError extends TakossError {
  constructor(readonly chainId: string) {
    super(
      'failed',
      `Chain ${chainId} lost its state in Redis (the Redis was flushed, restarted without persistence, or is another one). ` +
        `PostgreSQL still has the chain: run "takoss chains resume ${chainId}" (or Resume Chain in VS Code) to finish it ` +
        'without re-running the tasks that finished.',
    );
  }
}
