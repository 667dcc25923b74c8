/**
 * The Task Decomposer: one Claude call, forced to answer through `submit_task_graph`, turns
 * the user's request into a task graph. The graph is validated before anything runs; when
 * it is invalid, one repair call tells the model exactly what was wrong, and a second
 * invalid answer is refused with every problem named.
 */
import type { Message, MessageParam, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { ClaudeClient } from '../llm/claudeClient';
import { SUBMIT_TASK_GRAPH, submitTaskGraphTool } from '../llm/tools';
import { ZERO_USAGE, addUsage, usageFromApi, type Usage } from '../llm/usage';
import { InvalidTaskGraphError, TASK_CATEGORIES, validateTaskGraph, type TaskGraph } from './taskGraph';

/** A template the model may assign to a task. */
export interface TemplateSummary {
  readonly name: string;
  readonly category: string;
  readonly description: string;
}

export interface DecomposeOptions {
  readonly request: string;
  readonly model: string;
  readonly maxTasks: number;
  readonly templates: readonly TemplateSummary[];
  /** Replaces the built-in system prompt (the template library's `decomposer/plan`). */
  readonly systemPrompt?: string;
  /** Replaces the built-in user message (the rendered `decomposer/plan` text). */
  readonly userPrompt?: string;
  readonly signal?: AbortSignal;
  /** @defaultValue 16000 */
  readonly maxTokens?: number;
}

export interface Decomposition {
  readonly graph: TaskGraph;
  readonly usage: Usage;
  /** 1, or 2 when the repair call was needed. */
  readonly calls: number;
}

export const BUILT_IN_DECOMPOSER_PROMPT = `You are the planner of Takoss, a tool that builds software projects from one sentence.
You split the user's request into a graph of small, concrete tasks. Each task is done by a
separate expert model call that writes complete files; it sees the outputs of the tasks it
depends on, and nothing else.

Plan like a senior engineer:
- Each task produces a coherent set of files (a module, a component with its styles, a route
  with its validation, a test suite, the README). Prefer 4–15 tasks; never one task per file.
- Make the first tasks the foundations others build on: project setup (package.json, config,
  folder layout) and shared types or schemas. Later tasks depend on them.
- Add a dependency only when a task really needs another task's output (its files or its
  interfaces). Independent tasks run in parallel, so fewer edges mean a faster build.
- Descriptions are precise: file paths, exported names and signatures, data shapes, routes,
  behaviour, and what the task takes from its dependencies. Another engineer must be able to
  do the task from the description alone.
- Include tests for the code you plan, and a README that says how to install, run and test.
- Use ids in kebab-case (lowercase letters, digits, "-"), unique in the plan; never "verify-N" or
  "repair-N": Takoss adds those tasks itself, to run the project's install, build and test scripts.
- Categories: ${TASK_CATEGORIES.join(', ')}.

Answer only by calling ${SUBMIT_TASK_GRAPH}.`;

/** The list of templates as the planner sees it, one per line. */
export function describeTemplates(templates: readonly TemplateSummary[]): string {
  return templates.map((template) => `- ${template.name} [${template.category}]: ${template.description}`).join('\n');
}

function userPrompt(options: DecomposeOptions): string {
  const templates =
    options.templates.length === 0
      ? 'No prompt templates are available; leave `template` out.'
      : 'Prompt templates you may assign to tasks (set `template` to the name of the best fit, or leave it out):\n' +
        describeTemplates(options.templates);
  return [`Request: ${options.request}`, '', templates, '', `Use at most ${options.maxTasks} tasks.`].join('\n');
}

function graphCall(message: Message): ToolUseBlock | undefined {
  return message.content.find(
    (block): block is ToolUseBlock => block.type === 'tool_use' && block.name === SUBMIT_TASK_GRAPH,
  );
}

/** Validates the model's answer; a cut-off or missing tool call counts as invalid. */
function checkAnswer(message: Message, maxTasks: number): TaskGraph {
  if (message.stop_reason === 'max_tokens') {
    throw new InvalidTaskGraphError([
      'the plan was cut off by the output limit before it was complete; use fewer, larger tasks',
    ]);
  }
  const call = graphCall(message);
  if (!call) throw new InvalidTaskGraphError([`the answer did not call ${SUBMIT_TASK_GRAPH}`]);
  return validateTaskGraph(call.input, { maxTasks });
}

export async function decompose(claude: ClaudeClient, options: DecomposeOptions): Promise<Decomposition> {
  const messages: MessageParam[] = [{ role: 'user', content: options.userPrompt ?? userPrompt(options) }];
  const call = (conversation: MessageParam[]) =>
    claude.stream(
      {
        model: options.model,
        max_tokens: options.maxTokens ?? 16_000,
        system: options.systemPrompt ?? BUILT_IN_DECOMPOSER_PROMPT,
        tools: [submitTaskGraphTool],
        tool_choice: { type: 'tool', name: SUBMIT_TASK_GRAPH },
        messages: conversation,
      },
      options.signal ? { signal: options.signal } : {},
    );

  const first = await call(messages);
  let usage = addUsage(ZERO_USAGE, usageFromApi(options.model, first.usage));
  try {
    return { graph: checkAnswer(first, options.maxTasks), usage, calls: 1 };
  } catch (error) {
    if (!(error instanceof InvalidTaskGraphError)) throw error;
    const repaired = await call([...messages, ...repairTurn(first, error)]);
    usage = addUsage(usage, usageFromApi(options.model, repaired.usage));
    return { graph: checkAnswer(repaired, options.maxTasks), usage, calls: 2 };
  }
}

/** The assistant's answer and a user turn that says what to fix. */
function repairTurn(answer: Message, error: InvalidTaskGraphError): MessageParam[] {
  const feedback =
    `The plan was refused:\n- ${error.problems.join('\n- ')}\n` +
    `Call ${SUBMIT_TASK_GRAPH} again with a corrected, complete plan.`;
  const call = graphCall(answer);
  if (call && answer.stop_reason !== 'max_tokens') {
    return [
      { role: 'assistant', content: answer.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, is_error: true, content: feedback }] },
    ];
  }
  // Without a complete tool call there is nothing to answer with a tool_result.
  return [
    { role: 'assistant', content: 'I will submit the plan.' },
    { role: 'user', content: feedback },
  ];
}
