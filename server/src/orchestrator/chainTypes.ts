/**
 * The vocabulary of a chain's live state: task states, chain statuses, the spec stored once per
 * chain, and what the state machine's transitions answer (chainState.ts).
 */
import { TASK_STATUSES } from '../chainSnapshot';
import type { TaskResult, VerifyVerdict } from '../context/types';
import type { TaskGraph } from '../decomposer/taskGraph';
import type { TemplateVariable } from '../templates/render';

/** A task's states in Redis: the snapshot shows them under the same names. */
export const TASK_STATES = TASK_STATUSES;
export type TaskState = (typeof TASK_STATES)[number];

export const CHAIN_FINAL_STATUSES = ['succeeded', 'failed', 'partial', 'cancelled', 'budget_exceeded'] as const;
export type ChainFinalStatus = (typeof CHAIN_FINAL_STATUSES)[number];
export type ChainStatus = 'queued' | 'running' | 'cancelling' | ChainFinalStatus;

/** The template version a task uses, pinned when the chain is created (resume uses the same). */
export interface TaskTemplateUse {
  readonly name: string;
  readonly version: number;
  readonly versionId: string;
  /** The rendered template text, added to the task's instructions ('' when rendered at run time). */
  readonly instructions: string;
  /** A template rendered when the task runs (a repair's values come from the verify before it). */
  readonly source?: { readonly text: string; readonly variables: readonly TemplateVariable[] };
}

/** What a worker needs to run any task of the chain; stored once per chain. */
export interface ChainSpec {
  readonly chainId: string;
  readonly request: string;
  readonly model: string;
  readonly graph: TaskGraph;
  readonly createdAt: string;
  /** By task id, for tasks whose template was found. */
  readonly templates?: Readonly<Record<string, TaskTemplateUse>>;
}

export type StartOutcome =
  /** `results`: those of the tasks asked for that Redis has. */
  | { readonly kind: 'run'; readonly attempt: number; readonly results: Map<string, TaskResult> }
  | { readonly kind: 'done'; readonly state: TaskState }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'budget' }
  | { readonly kind: 'notReady' }
  | { readonly kind: 'unknown' };

export interface ReleasedTask {
  readonly taskId: string;
  /** Generation of the job to enqueue for it (reserved by the completion). */
  readonly generation: number;
}

export interface CompleteOutcome {
  readonly released: readonly ReleasedTask[];
  /** Set when this completion finished the chain. */
  readonly finished?: ChainFinalStatus;
  /** True when the task was not in `generated` (already completed: nothing happened). */
  readonly noop: boolean;
}

export interface ChainMeta {
  readonly status: ChainStatus;
  readonly remaining: number;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly budgetUsd?: number;
  readonly stopReason?: string;
  readonly createdAt?: string;
  readonly finishedAt?: string;
  /** The newest verify's verdict (without its output and files). */
  readonly verification?: ChainVerdict;
}

/** What the chain's meta keeps of a verify's verdict. */
export type ChainVerdict = Pick<VerifyVerdict, 'outcome' | 'round' | 'step' | 'detail'>;
