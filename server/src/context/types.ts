/** What tasks produce and receive; shared by the accumulator, the scoping and the workers. */
import type { VerifyTaskView } from '../chainSnapshot';
import type { Usage } from '../llm/usage';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** What a verify task found: its result carries it instead of files. */
export interface VerifyVerdict {
  readonly outcome: 'passed' | 'failed' | 'not_run';
  readonly round: number;
  /** The step that failed (install, build, test, package.json). */
  readonly step?: string;
  /** The failing command line, e.g. `npm test`. */
  readonly command?: string;
  /** One sentence: what failed and how, or why nothing ran ("Not run: …"). */
  readonly summary: string;
  /** The same as a clause, for the chain's verification: "npm run test passed", "the user declined…". */
  readonly detail: string;
  /** The failing output, trimmed for a repair prompt. */
  readonly excerpt?: string;
  readonly steps: VerifyTaskView['steps'];
  /** The files the failure involves, as they were on disk when verify ran (for the repair). */
  readonly involved?: readonly { readonly path: string; readonly content: string }[];
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
  /** Set by verify tasks. */
  readonly verdict?: VerifyVerdict;
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
