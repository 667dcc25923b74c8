/**
 * Joins the template library to a chain: the planner's prompt comes from the
 * `decomposer/plan` template, and every task that names a template gets that template's
 * production version rendered with the task's variables — pinned in the chain's spec, so
 * a resumed chain uses the same versions and analytics know which version built what.
 */
import { describeTemplates, type TemplateSummary } from '../decomposer/decomposer';
import type { TaskGraph, TaskSpec } from '../decomposer/taskGraph';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { renderTemplate } from '../templates/render';
import {
  TemplateNotFoundError,
  getTemplate,
  listTemplates,
  type TemplateDb,
  type TemplateVersionRecord,
} from '../templates/templateStore';
import type { TaskTemplateUse } from './chainState';

export const PLANNER_TEMPLATE = 'decomposer/plan';
export const REPAIR_TEMPLATE = 'verify/repair';

/** Templates the planner may assign: every active one but the planner's and verification's own. */
export async function assignableTemplates(db: TemplateDb, collection?: readonly string[]): Promise<TemplateSummary[]> {
  const all = await listTemplates(db);
  return all.filter(
    (template) =>
      template.category !== 'decomposer' &&
      template.category !== 'verify' &&
      (collection === undefined || collection.includes(template.name)),
  );
}

export interface PlannerPrompt {
  readonly systemPrompt?: string;
  readonly userPrompt?: string;
  readonly template?: TemplateVersionRecord;
}

/** The planner's prompts from the library, or nothing (the built-in prompt) if it has none. */
export async function plannerPrompt(
  db: TemplateDb,
  request: string,
  templates: readonly TemplateSummary[],
  maxTasks: number,
  logger: Logger,
): Promise<PlannerPrompt> {
  let version: TemplateVersionRecord;
  try {
    version = await getTemplate(db, PLANNER_TEMPLATE);
  } catch (error) {
    if (error instanceof TemplateNotFoundError) return {};
    throw error;
  }
  try {
    const rendered = renderTemplate(PLANNER_TEMPLATE, version.text, version.variables, {
      request,
      templates: describeTemplates(templates) || '(none: leave `template` out)',
      max_tasks: String(maxTasks),
    });
    return {
      userPrompt: rendered.text,
      ...(version.systemPrompt ? { systemPrompt: version.systemPrompt } : {}),
      template: version,
    };
  } catch (error) {
    logger.warn(`Using the built-in planner prompt: ${errorMessage(error)}`);
    return {};
  }
}

/** The values a task template may use (see TASK_VARIABLES). */
export function taskVariables(request: string, graph: TaskGraph, task: TaskSpec): Record<string, string> {
  const titles = new Map(graph.tasks.map((each) => [each.id, each.title]));
  return {
    request,
    task_id: task.id,
    task_title: task.title,
    task_description: task.description,
    category: task.category,
    dependencies: task.dependsOn.map((id) => titles.get(id) ?? id).join('\n'),
  };
}

/** Renders each task's template; a template that is missing or does not render is skipped, with a warning. */
export async function resolveTaskTemplates(
  db: TemplateDb,
  request: string,
  graph: TaskGraph,
  logger: Logger,
): Promise<Record<string, TaskTemplateUse>> {
  const versions = new Map<string, TemplateVersionRecord | undefined>();
  const uses: Record<string, TaskTemplateUse> = {};
  for (const task of graph.tasks) {
    if (!task.template) continue;
    if (!versions.has(task.template)) {
      versions.set(task.template, await getTemplate(db, task.template).catch(() => undefined));
    }
    const version = versions.get(task.template);
    if (!version || version.category === 'decomposer' || version.category === 'verify') {
      logger.warn(
        `Task ${task.id} names template "${task.template}", which is not a task template here; it runs without one.`,
      );
      continue;
    }
    try {
      const rendered = renderTemplate(
        version.name,
        version.text,
        version.variables,
        taskVariables(request, graph, task),
      );
      uses[task.id] = {
        name: version.name,
        version: version.version,
        versionId: version.id,
        instructions: rendered.text,
      };
    } catch (error) {
      logger.warn(`Task ${task.id} runs without template ${version.name}: ${errorMessage(error)}`);
    }
  }
  return uses;
}

/**
 * Pins the library's `verify/repair` version for every repair task of the graph. It is
 * rendered when the task runs (its values come from the failed verify); without the
 * template in the library, repairs use the built-in text and record no template use.
 */
export async function pinRepairTemplates(
  db: TemplateDb,
  graph: TaskGraph,
  logger: Logger,
): Promise<Record<string, TaskTemplateUse>> {
  const repairs = graph.tasks.filter((task) => task.kind === 'repair');
  if (repairs.length === 0) return {};
  let version: TemplateVersionRecord;
  try {
    version = await getTemplate(db, REPAIR_TEMPLATE);
  } catch (error) {
    if (!(error instanceof TemplateNotFoundError)) throw error;
    logger.warn(`Template ${REPAIR_TEMPLATE} is not in the library; repairs use the built-in text.`);
    return {};
  }
  const use: TaskTemplateUse = {
    name: version.name,
    version: version.version,
    versionId: version.id,
    instructions: '',
    source: { text: version.text, variables: version.variables },
  };
  return Object.fromEntries(repairs.map((task) => [task.id, use]));
}
