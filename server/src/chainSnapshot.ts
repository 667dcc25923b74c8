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
  'unneeded',
] as const;
export type TaskStatusView = (typeof TASK_STATUSES)[number];

/**
 * A task's kind: absent for the tasks the planner made; `verify` runs the project's install,
 * build and test (no Claude call); `repair` fixes what a verify found.
 */
export type TaskKindView = 'verify' | 'repair';

/** What one verify task found. */
export interface VerifyTaskView {
  readonly outcome: 'passed' | 'failed' | 'not_run';
  /** The step that failed, e.g. `test`, or `package.json` when it could not be read. */
  readonly step?: string;
  /** One line: what failed and how, or why nothing ran. */
  readonly summary: string;
  readonly steps: readonly {
    readonly name: string;
    readonly command: string;
    readonly exitCode: number | null;
    readonly timedOut: boolean;
    readonly durationMs: number;
  }[];
}

/** Whether the chain proved its app installs, builds and passes its tests. */
export const CHAIN_VERIFICATIONS = ['verified', 'verify_failed', 'not_verified'] as const;
export type ChainVerificationOutcome = (typeof CHAIN_VERIFICATIONS)[number];

export interface ChainVerificationView {
  readonly outcome: ChainVerificationOutcome;
  /** With `verify_failed`: the step that failed last (install, build, test, package.json). */
  readonly step?: string;
  /**
   * What passed, what failed, or why nothing was verified, as a clause without the outcome
   * ("npm run test passed after 1 repair", "the user declined to run the checks").
   */
  readonly summary: string;
  /** Repair rounds that ran. */
  readonly repairs: number;
}

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
  readonly kind?: TaskKindView;
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
  /** Verify tasks that ran: what they found. */
  readonly verify?: VerifyTaskView;
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
  /** Set once the chain's verification is decided (at its end, or when a verify passed). */
  readonly verification?: ChainVerificationView;
  readonly tasks: readonly TaskSnapshot[];
}
