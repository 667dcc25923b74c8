/**
 * The request for one task. Its prefix — tools, the fixed system prompt, then the chain's
 * request and plan — is the same for every task of a chain, so it carries `cache_control`
 * and later tasks read it from Claude's prompt cache. What differs (the context this task
 * receives, the task itself) comes after it, in the first user message, which also holds
 * the `Task ID: <id>` line of the contract.
 */
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { TaskGraph, TaskSpec } from '../decomposer/taskGraph';
import { WRITE_FILE } from '../llm/tools';

export const TASK_SYSTEM_PROMPT = `You are a senior software engineer working inside Takoss, which builds a project from a
plan of small tasks. You do exactly one task of the plan. Other tasks are done by other
engineers, some at the same time as you; you see the work of the tasks yours depends on.

How to work:
- Write every file your task calls for with the ${WRITE_FILE} tool: one call per file, the whole
  file, production quality — real logic, error handling, types — never placeholders,
  "TODO", or "rest of the file unchanged".
- Paths are relative to the project root and use "/". Never write outside the project, and
  never write .git/, .vscode/, .env files or CI configuration unless the task asks for it.
- Build on the files of your dependencies: import what they export, with the exact names
  and paths they use. Do not rewrite their files unless your task says so.
- Keep to your task's scope; the plan assigns the rest to other tasks.
- Prefer small, focused modules; split a file that would be very long.
- When all files are written, answer with a short summary (2–5 sentences): which files you
  wrote, what they export, and how the tasks after you should use them. That summary is
  handed to the tasks that depend on yours.`;

/** Graphs are immutable and shared by all tasks of a chain: render each plan once. */
const overviews = new WeakMap<TaskGraph, string>();

function planOverview(request: string, graph: TaskGraph): string {
  const cached = overviews.get(graph);
  if (cached !== undefined) return cached;
  const lines = graph.tasks.map((task) => {
    const after = task.dependsOn.length > 0 ? ` (after ${task.dependsOn.join(', ')})` : '';
    return `- ${task.id} [${task.category}] ${task.title}${after}`;
  });
  const overview = [`The project: ${request}`, '', 'The plan:', ...lines].join('\n');
  overviews.set(graph, overview);
  return overview;
}

export interface TaskRequestInput {
  readonly request: string;
  readonly graph: TaskGraph;
  readonly task: TaskSpec;
  /** The rendered context from the task's ancestors. */
  readonly context: string;
  /** The task's rendered template, which includes its description; without one, the description alone. */
  readonly instructions?: string;
}

export interface TaskRequest {
  readonly system: TextBlockParam[];
  readonly messages: MessageParam[];
}

export function buildTaskRequest(input: TaskRequestInput): TaskRequest {
  const { task } = input;
  // A template's text already carries the description (task_description is required), so
  // with a template the description is not repeated.
  const taskText = [
    `Task ID: ${task.id}`,
    `Title: ${task.title}`,
    `Category: ${task.category}`,
    '',
    input.instructions ?? task.description,
  ].join('\n');
  return {
    system: [
      { type: 'text', text: TASK_SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: planOverview(input.request, input.graph), cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: input.context },
          { type: 'text', text: taskText },
        ],
      },
    ],
  };
}
