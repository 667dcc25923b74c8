/**
 * The task graph the decomposer returns (DESIGN.md §3.3) and its validation. A graph is
 * checked completely before anything runs, and every problem is named — both for the
 * user and for the one repair call that tells the model what was wrong.
 */
import { z } from 'zod';
import { TakossError } from '../errors';

export const TASK_CATEGORIES = ['frontend', 'backend', 'database', 'testing', 'devops', 'docs', 'general'] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Ids of the verification ladder Takoss appends (verifyLadder.ts); a plan may not use them. */
export const RESERVED_TASK_ID = /^(verify|repair)-\d+$/;

/**
 * What runs a task: the planner's tasks (no kind) and repairs are Claude conversations; a
 * verify task runs the project's own checks in the driver's process, which has the workspace.
 */
export type TaskKind = 'verify' | 'repair';

export interface TaskSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: TaskCategory;
  readonly template?: string;
  readonly dependsOn: readonly string[];
  readonly kind?: TaskKind;
  /** Ladder tasks: the round, from 1 (`verify-2` and `repair-2` are round 2). */
  readonly round?: number;
}

export interface TaskGraph {
  readonly tasks: readonly TaskSpec[];
}

/** Problems beyond this many are summarised, so a 10,000-task answer gives a readable error. */
const MAX_PROBLEMS_LISTED = 20;

export class InvalidTaskGraphError extends TakossError {
  constructor(readonly problems: readonly string[]) {
    const listed = problems.slice(0, MAX_PROBLEMS_LISTED);
    const more = problems.length > listed.length ? `\n- … and ${problems.length - listed.length} more` : '';
    super('usage', `The task graph is invalid:\n- ${listed.join('\n- ')}${more}`);
    this.name = 'InvalidTaskGraphError';
  }
}

const taskSchema = z.object({
  id: z.string(),
  title: z.string().trim().min(1, 'title is empty').max(200, 'title is longer than 200 characters'),
  description: z.string().trim().min(1, 'description is empty').max(8000, 'description is longer than 8000 characters'),
  category: z.string(),
  template: z.string().trim().min(1).max(200).optional(),
  dependsOn: z.array(z.string()).max(200, 'dependsOn lists more than 200 tasks').default([]),
});

export interface ValidationOptions {
  /** @defaultValue 40 */
  readonly maxTasks?: number;
}

/** Parses and checks a graph; throws `InvalidTaskGraphError` listing every problem found. */
export function validateTaskGraph(input: unknown, options: ValidationOptions = {}): TaskGraph {
  const maxTasks = options.maxTasks ?? 40;
  const rawTasks = (input as { tasks?: unknown } | null)?.tasks;
  if (typeof input !== 'object' || input === null || !Array.isArray(rawTasks)) {
    throw new InvalidTaskGraphError(['the graph must be an object {"tasks": [...]}']);
  }
  if (rawTasks.length === 0) throw new InvalidTaskGraphError(['the graph has no tasks']);
  // Refuse an oversized graph before looking at its tasks one by one.
  if (rawTasks.length > maxTasks) {
    throw new InvalidTaskGraphError([
      `the graph has ${rawTasks.length} tasks; at most ${maxTasks} are allowed (setting takoss.maxTasks)`,
    ]);
  }

  const problems: string[] = [];
  const tasks: TaskSpec[] = [];
  rawTasks.forEach((raw, index) => {
    const label = describeTask(raw, index);
    const parsed = taskSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.') || 'task';
        const expected = issue.code === 'invalid_type' ? String(issue.expected) : '';
        const message =
          issue.code === 'invalid_type'
            ? `${field} is missing or not ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`
            : issue.message;
        problems.push(`${label}: ${message.startsWith(field) ? message : `${field}: ${message}`}`);
      }
      return;
    }
    const task = parsed.data;
    if (!TASK_ID_PATTERN.test(task.id)) {
      problems.push(`${label}: id must match ${TASK_ID_PATTERN.source} (lowercase letters, digits, "-")`);
    } else if (RESERVED_TASK_ID.test(task.id)) {
      problems.push(`${label}: ids like "verify-1" and "repair-1" are Takoss's own verification steps; use another id`);
    }
    if (!(TASK_CATEGORIES as readonly string[]).includes(task.category)) {
      problems.push(`${label}: category "${task.category}" is not one of ${TASK_CATEGORIES.join(', ')}`);
    }
    tasks.push({ ...task, category: task.category as TaskCategory });
  });

  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id)) problems.push(`task "${task.id}": the id is used more than once`);
    seen.add(task.id);
  }
  for (const task of tasks) {
    const deps = new Set<string>();
    for (const dependency of task.dependsOn) {
      if (dependency === task.id) problems.push(`task "${task.id}": depends on itself`);
      else if (!seen.has(dependency)) problems.push(`task "${task.id}": dependsOn names unknown task "${dependency}"`);
      if (deps.has(dependency)) problems.push(`task "${task.id}": lists dependency "${dependency}" twice`);
      deps.add(dependency);
    }
  }
  if (problems.length === 0) {
    const cycle = findCycle(tasks);
    if (cycle) problems.push(`the dependencies form a cycle: ${cycle.join(' → ')} (each depends on the next)`);
  }
  if (problems.length > 0) throw new InvalidTaskGraphError(problems);
  return { tasks };
}

function describeTask(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 && id.length > 0 ? `task "${id}"` : `task #${index + 1}`;
}

/** One cycle as a closed path where each task depends on the next (`a → b → a`), or undefined. */
export function findCycle(tasks: readonly TaskSpec[]): string[] | undefined {
  const dependsOn = new Map(tasks.map((task) => [task.id, task.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of dependsOn.get(id) ?? []) {
      if (state.get(next) === 'visiting') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const task of tasks) {
    if (state.has(task.id)) continue;
    const cycle = visit(task.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Tasks that depend on each task (the reverse edges), for releasing dependents. */
export function dependentsOf(graph: TaskGraph): Map<string, string[]> {
  const dependents = new Map<string, string[]>(graph.tasks.map((task) => [task.id, []]));
  for (const task of graph.tasks) {
    for (const dependency of task.dependsOn) dependents.get(dependency)?.push(task.id);
  }
  return dependents;
}

export interface Ancestors {
  readonly direct: readonly string[];
  readonly indirect: readonly string[];
}

/** Graphs are immutable: index each once (workers ask for many tasks of the same graph). */
const indexes = new WeakMap<
  TaskGraph,
  { byId: Map<string, TaskSpec>; ancestors: Map<string, Ancestors>; dependedOn: Set<string> }
>();

function indexOf(graph: TaskGraph) {
  let index = indexes.get(graph);
  if (!index) {
    index = {
      byId: new Map(graph.tasks.map((task) => [task.id, task])),
      ancestors: new Map(),
      dependedOn: new Set(graph.tasks.flatMap((task) => task.dependsOn)),
    };
    indexes.set(graph, index);
  }
  return index;
}

export function taskById(graph: TaskGraph, taskId: string): TaskSpec | undefined {
  return indexOf(graph).byId.get(taskId);
}

/** Whether any task depends on `taskId` (whether finishing it can release anything). */
export function hasDependents(graph: TaskGraph, taskId: string): boolean {
  return indexOf(graph).dependedOn.has(taskId);
}

/** Every task the given one depends on, directly or not, nearest first. */
export function ancestorsOf(graph: TaskGraph, taskId: string): Ancestors {
  const index = indexOf(graph);
  const known = index.ancestors.get(taskId);
  if (known) return known;
  const byId = index.byId;
  const direct = [...(byId.get(taskId)?.dependsOn ?? [])];
  const seen = new Set<string>(direct);
  const indirect: string[] = [];
  const queue = [...direct];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dependency of byId.get(current)?.dependsOn ?? []) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      indirect.push(dependency);
      queue.push(dependency);
    }
  }
  const found = { direct, indirect };
  index.ancestors.set(taskId, found);
  return found;
}
