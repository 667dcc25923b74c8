/** The template library's shapes, shared by the service, the seeding and the CLI. */
import type { TemplateVariable } from './render';

/** `<category>/<kebab-name>` or a bare kebab name. */
export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]{0,48}(\/[a-z0-9][a-z0-9-]{0,48})?$/;

export const TEMPLATE_CATEGORIES = [
  'frontend',
  'backend',
  'database',
  'testing',
  'devops',
  'docs',
  'general',
  'decomposer',
  'verify',
] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export interface ModelParams {
  readonly model?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
}

export interface TemplateExampleInput {
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
  /** What a good answer looks like (abridged), for people reading the library. */
  readonly expectedOutput: string;
}

/** A template shipped with Takoss. Bump `revision` whenever the text changes. */
export interface BuiltinTemplate {
  /** `<category>/<kebab-name>`, e.g. `frontend/react-component`. */
  readonly name: string;
  readonly category: TemplateCategory;
  readonly description: string;
  readonly tags: readonly string[];
  readonly revision: number;
  readonly systemPrompt?: string;
  readonly text: string;
  readonly variables: readonly TemplateVariable[];
  readonly modelParams?: ModelParams;
  readonly example: TemplateExampleInput;
}

/**
 * What the engine fills in when it renders a task's template. Task templates may use any
 * of these; they are declared per template with `required` as the template needs them.
 */
export const TASK_VARIABLES = {
  request: 'The user’s request for the whole project.',
  task_id: 'The id of this task in the plan.',
  task_title: 'The task’s title.',
  task_description: 'What the task must build, as the planner wrote it.',
  category: 'The task’s category (frontend, backend, …).',
  dependencies: 'Titles of the tasks this one builds on, one per line (may be empty).',
} as const;

export type TaskVariableName = keyof typeof TASK_VARIABLES;

/** A task template's variables: title and description required, the named others optional. */
export function taskVariables(...optional: TaskVariableName[]): TemplateVariable[] {
  const variable = (name: TaskVariableName, required: boolean): TemplateVariable => ({
    name,
    description: TASK_VARIABLES[name],
    required,
  });
  return [
    variable('task_title', true),
    variable('task_description', true),
    ...optional.map((name) => variable(name, false)),
  ];
}
