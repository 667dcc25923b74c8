/**
 * What a task is given: the outputs of its ancestors and of nothing else. Direct
 * dependencies contribute their files in full (as many as fit the token budget); farther
 * ancestors contribute their summary and file list. The exact selection is recorded, so
 * the UI can show what each task received.
 */
import { TakossError } from '../errors';
import { ancestorsOf, type TaskGraph } from '../decomposer/taskGraph';
import type { ContextReceived, GeneratedFile, ReceivedFile, ReceivedTask, TaskResult } from './types';

/** A rough count that errs high for code: about four characters per token. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface ScopedContext {
  readonly received: ContextReceived;
  /** The files given in full, in dependency order. */
  readonly files: readonly GeneratedFile[];
}

export class MissingContextError extends TakossError {
  constructor(
    readonly taskId: string,
    readonly missing: readonly string[],
  ) {
    super(
      'failed',
      `Task "${taskId}" cannot run: the output of ${missing.map((id) => `"${id}"`).join(', ')} is no longer in Redis ` +
        `(expired or lost) and has no durable copy. Resume the chain to rebuild it, or raise takoss.contextTtlSeconds.`,
    );
    this.name = 'MissingContextError';
  }
}

export interface ScopeOptions {
  /** Budget for the files given in full. @defaultValue 60000 */
  readonly tokenBudget?: number;
}

/** Selects the context of `taskId` from its ancestors' results; throws if any is missing. */
export function scopeContext(
  graph: TaskGraph,
  taskId: string,
  results: ReadonlyMap<string, TaskResult>,
  options: ScopeOptions = {},
): ScopedContext {
  const { direct, indirect } = ancestorsOf(graph, taskId);
  const missing = [...direct, ...indirect].filter((id) => !results.has(id));
  if (missing.length > 0) throw new MissingContextError(taskId, missing);

  let budget = options.tokenBudget ?? 60_000;
  const files: GeneratedFile[] = [];
  const tasks: ReceivedTask[] = [];
  for (const id of direct) {
    const result = results.get(id)!;
    const received: ReceivedFile[] = [];
    for (const file of result.files) {
      const cost = approxTokens(file.content);
      const included = cost <= budget;
      if (included) {
        budget -= cost;
        files.push(file);
      }
      received.push({ path: file.path, bytes: file.bytes, included });
    }
    tasks.push({ taskId: id, title: result.title, summary: result.summary, relation: 'direct', files: received });
  }
  for (const id of indirect) {
    const result = results.get(id)!;
    tasks.push({
      taskId: id,
      title: result.title,
      summary: result.summary,
      relation: 'ancestor',
      files: result.files.map((file) => ({ path: file.path, bytes: file.bytes, included: false })),
    });
  }
  const scoped = { received: { tasks, approxTokens: 0 }, files };
  return { ...scoped, received: { tasks, approxTokens: approxTokens(renderContext(scoped)) } };
}

/** The context as it goes into the prompt. */
export function renderContext(context: ScopedContext): string {
  if (context.received.tasks.length === 0) {
    return 'This task depends on no other task: you start from an empty project.';
  }
  const byPath = new Map(context.files.map((file) => [file.path, file]));
  const parts: string[] = ['Work already done by the tasks this one builds on:'];
  for (const task of context.received.tasks) {
    parts.push('', `## ${task.relation === 'direct' ? 'Dependency' : 'Earlier task'} "${task.taskId}": ${task.title}`);
    if (task.summary) parts.push(task.summary);
    for (const file of task.files) {
      const content = file.included ? byPath.get(file.path)?.content : undefined;
      if (content === undefined) {
        parts.push(`- ${file.path} (${file.bytes} bytes, not shown)`);
      } else {
        parts.push('', `<file path="${file.path}">`, content, '</file>');
      }
    }
  }
  return parts.join('\n');
}
