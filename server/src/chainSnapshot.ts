/**
 * A chain as the UI shows it: the whole graph with every task's state, usage, files,
 * template and received context. Pure types with no imports, shared by the backend
 * protocol (server/src/protocol.ts) and the webview (webview-ui/src/protocol.ts).
 */

export const CHAIN_STATUSES = [
  'queued',
  'running',
  'cancelling',
  'succeeded',
  'failed',
  'partial',
  'cancelled',
  'budget_exceeded',
] as const;
export type ChainStatusView = (typeof CHAIN_STATUSES)[number];

export const TASK_STATUSES = [
  'waiting',
  'queued',
  'running',
  'generated',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type TaskStatusView = (typeof TASK_STATUSES)[number];

export interface UsageView {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUsd: number;
}

export interface FileView {
  readonly path: string;
  /** What happened on disk: created, updated, unchanged, skipped, refused; `generated` before it was written. */
  readonly action: string;
  readonly reason?: string;
}

export interface ReceivedTaskView {
  readonly taskId: string;
  readonly title: string;
  readonly relation: 'direct' | 'ancestor';
  readonly summary: string;
  readonly files: readonly { readonly path: string; readonly included: boolean }[];
}

export interface TaskSnapshot {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly dependsOn: readonly string[];
  readonly status: TaskStatusView;
  readonly attempts: number;
  /** ISO timestamps. */
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly usage?: UsageView;
  readonly error?: string;
  readonly summary?: string;
  readonly template?: { readonly name: string; readonly version: number };
  readonly files: readonly FileView[];
  /** Exactly what the task received from its ancestors (without file contents). */
  readonly context?: { readonly tasks: readonly ReceivedTaskView[]; readonly approxTokens: number };
}

export interface ChainSnapshot {
  readonly chainId: string;
  readonly request: string;
  readonly workspace: string;
  readonly model: string;
  readonly status: ChainStatusView;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly budgetUsd?: number;
  readonly usage: UsageView;
  readonly tasks: readonly TaskSnapshot[];
}
