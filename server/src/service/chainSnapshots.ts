/**
 * A chain as the UI shows it: the durable record (PostgreSQL) overlaid with the live state
 * (Redis) — statuses, attempts, usage, errors — and what each task received.
 */
import type { ChainSnapshot, FileView, TaskSnapshot } from '../chainSnapshot';
import type { ContextReceived } from '../context/types';
import type { Engine } from '../engine/engine';
import { ZERO_USAGE, addUsage } from '../llm/usage';
import { ChainNotFoundError } from '../orchestrator/orchestrator';

export async function buildChainSnapshot(engine: Engine, chainId: string): Promise<ChainSnapshot> {
  const record = await engine.repository.find(chainId);
  if (!record) throw new ChainNotFoundError(chainId);
  const [meta, states, details, contexts, results] = await Promise.all([
    engine.state.meta(chainId),
    engine.state.states(chainId),
    engine.state.taskDetails(chainId),
    engine.accumulator.getContexts(
      chainId,
      record.tasks.map((task) => task.taskId),
    ),
    engine.accumulator.getResults(
      chainId,
      record.tasks.map((task) => task.taskId),
    ),
  ]);
  const tasks = record.tasks.map((task): TaskSnapshot => {
    const live = states[task.taskId];
    const usage = details.usage[task.taskId] ?? (task.usage.costUsd > 0 ? task.usage : undefined);
    const error = details.errors[task.taskId] ?? task.error ?? undefined;
    const context: ContextReceived | undefined = contexts.get(task.taskId) ?? undefined;
    const template = record.templates?.[task.taskId];
    const generated = results.get(task.taskId);
    // Files on disk as recorded; while a task waits to be written, what it generated.
    const files: readonly FileView[] =
      task.fileOutcomes.length > 0
        ? task.fileOutcomes
        : (generated?.files ?? []).map((file) => ({ path: file.path, action: 'generated' }));
    return {
      id: task.taskId,
      title: task.title,
      description: task.description,
      category: task.category,
      dependsOn: task.dependsOn,
      status: live ?? task.status,
      attempts: details.attempts[task.taskId] ?? task.attempts,
      ...(task.startedAt ? { startedAt: task.startedAt.toISOString() } : {}),
      ...(task.finishedAt ? { finishedAt: task.finishedAt.toISOString() } : {}),
      ...(usage ? { usage } : {}),
      ...(error && (live ?? task.status) !== 'succeeded' ? { error } : {}),
      ...((task.summary ?? generated?.summary) ? { summary: task.summary ?? generated?.summary } : {}),
      ...(template ? { template: { name: template.name, version: template.version } } : {}),
      files,
      ...(context ? { context: { tasks: context.tasks, approxTokens: context.approxTokens } } : {}),
    };
  });
  const usage = Object.values(details.usage).reduce(addUsage, ZERO_USAGE);
  return {
    chainId,
    request: record.request,
    workspace: record.workspace,
    model: record.model,
    status: meta?.status ?? record.status,
    createdAt: record.createdAt.toISOString(),
    ...(record.finishedAt ? { finishedAt: record.finishedAt.toISOString() } : {}),
    ...(record.budgetUsd !== null ? { budgetUsd: record.budgetUsd } : {}),
    usage: usage.costUsd > 0 || !meta ? usage : record.usage,
    tasks,
  };
}
