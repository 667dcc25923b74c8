/** What tasks produce and receive; shared by the accumulator, the scoping and the workers. */
import type { Usage } from '../llm/usage';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface TaskResult {
  readonly taskId: string;
  readonly title: string;
  readonly summary: string;
  readonly files: readonly GeneratedFile[];
  readonly usage: Usage;
  readonly model: string;
  readonly attempt: number;
  readonly completedAt: string;
}

export interface ReceivedFile {
  readonly path: string;
  readonly bytes: number;
  /** False when the file did not fit the budget and only its path was given. */
  readonly included: boolean;
}

export interface ReceivedTask {
  readonly taskId: string;
  readonly title: string;
  readonly summary: string;
  readonly relation: 'direct' | 'ancestor';
  readonly files: readonly ReceivedFile[];
}

/** The record of what a task received (without file contents). */
export interface ContextReceived {
  readonly tasks: readonly ReceivedTask[];
  readonly approxTokens: number;
}
