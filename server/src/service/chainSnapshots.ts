/**
 * A chain as the UI shows it: the durable record (PostgreSQL) overlaid with the live state
 * (Redis) — statuses, attempts, usage, errors — and what each task received.
 */
import type { ChainSnapshot, ChainVerificationView, FileView, TaskSnapshot, VerifyTaskView } from '../chainSnapshot';
import type { ContextReceived, VerifyVerdict } from '../context/types';
import type { Engine } from '../engine/engine';
import { ZERO_USAGE, addUsage } from '../llm/usage';
import type { ChainRecord } from '../orchestrator/chainRepository';
import type { ChainMeta, TaskState } from '../orchestrator/chainState';
import { chainVerification } from '../orchestrator/chainVerification';
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
    const verdict = generated?.verdict ?? task.verdict;
    const kind = record.graph.tasks.find((spec) => spec.id === task.taskId)?.kind;
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
      ...(kind ? { kind } : {}),
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
      ...(verdict ? { verify: verifyView(verdict) } : {}),
    };
  });
  const verification = verificationOf(record, meta, states);
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
    ...(verification ? { verification } : {}),
    tasks,
  };
}

/** Live from Redis while it has the chain; from the record once Redis let it go. */
function verificationOf(
  record: ChainRecord,
  meta: ChainMeta | undefined,
  states: Readonly<Record<string, TaskState>>,
): ChainVerificationView | undefined {
  if (meta) {
    const finished = !['queued', 'running', 'cancelling'].includes(meta.status);
    return chainVerification(record.graph, meta.verification, states, finished);
  }
  if (!record.verification) return undefined;
  const repairIds = new Set(record.graph.tasks.filter((task) => task.kind === 'repair').map((task) => task.id));
  const repairs = record.tasks.filter(
    (task) => repairIds.has(task.taskId) && ['succeeded', 'failed'].includes(task.status),
  ).length;
  return {
    outcome: record.verification.outcome,
    ...(record.verification.step ? { step: record.verification.step } : {}),
    summary: record.verification.summary ?? '',
    repairs,
  };
}

/** A verdict without what only a repair needs (output excerpt, file contents). */
function verifyView(verdict: VerifyVerdict): VerifyTaskView {
  return {
    outcome: verdict.outcome,
    ...(verdict.step ? { step: verdict.step } : {}),
    summary: verdict.summary,
    steps: verdict.steps,
  };
}
