/**
 * The Prompt Chain Orchestrator's entry points: create a chain (decompose, validate,
 * record, enqueue the roots), resume one (rebuilding Redis from PostgreSQL if Redis lost
 * it), and cancel one. Driving a chain to its end is the ChainDriver's job.
 */
import { randomBytes } from 'node:crypto';
import { chainKeys } from '../context/keys';
import type { TaskResult } from '../context/types';
import { decompose } from '../decomposer/decomposer';
import type { TaskGraph } from '../decomposer/taskGraph';
import type { Engine } from '../engine/engine';
import { TakossError } from '../errors';
import { ZERO_USAGE, type Usage } from '../llm/usage';
import { enqueueTasks } from '../queue/taskQueue';
import { getCollection } from '../templates/templateCollections';
import { recordTemplateUsage } from '../templates/templateUsage';
import type { ChainFinalStatus, ChainSpec, TaskTemplateUse } from './chainState';
import { assignableTemplates, pinRepairTemplates, plannerPrompt, resolveTaskTemplates } from './templateSelection';
import { withVerifyLadder } from '../decomposer/verifyLadder';

/** Sortable by time, unique, and free of ':' (BullMQ job ids) and of anything a path may not hold. */
export function newChainId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export interface CreateChainInput {
  readonly request: string;
  readonly workspace: string;
  readonly model: string;
  readonly concurrency: number;
  readonly maxTasks: number;
  readonly budgetUsd?: number;
  /** Offer the planner only this collection's templates. */
  readonly collection?: string;
  /** End the graph with a verification ladder of this many repair rounds; absent: no ladder. */
  readonly verify?: { readonly maxRepairs: number };
  readonly signal?: AbortSignal;
}

export interface CreatedChain {
  readonly chainId: string;
  readonly graph: TaskGraph;
  readonly planUsage: Usage;
}

/** Usage hash field for the decomposition call, so chain totals include it. */
export const PLAN_USAGE_FIELD = '_plan';

export async function createChain(engine: Engine, input: CreateChainInput): Promise<CreatedChain> {
  const { templates: db } = engine;
  const logger = engine.options.logger;
  const members = input.collection ? (await getCollection(db, input.collection)).templates : undefined;
  const templates = await assignableTemplates(db, members);
  const planner = await plannerPrompt(db, input.request, templates, input.maxTasks, logger);
  const started = Date.now();
  const decomposition = await decompose(engine.claude(), {
    request: input.request,
    model: input.model,
    maxTasks: input.maxTasks,
    templates,
    ...(planner.systemPrompt ? { systemPrompt: planner.systemPrompt } : {}),
    ...(planner.userPrompt ? { userPrompt: planner.userPrompt } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const taskTemplates = await resolveTaskTemplates(db, input.request, decomposition.graph, logger);
  const graph = input.verify ? withVerifyLadder(decomposition.graph, input.verify.maxRepairs) : decomposition.graph;
  const created = await startPlannedChain(engine, {
    ...input,
    graph,
    planUsage: decomposition.usage,
    templates: { ...taskTemplates, ...(await pinRepairTemplates(db, graph, logger)) },
  });
  if (planner.template) {
    await recordTemplateUsage(db, {
      templateVersionId: planner.template.id,
      chainId: created.chainId,
      taskId: PLAN_USAGE_FIELD,
      model: input.model,
      status: 'succeeded',
      attempts: decomposition.calls,
      executionTimeMs: Date.now() - started,
      usage: decomposition.usage,
    });
  }
  return created;
}

export interface PlannedChainInput extends Omit<CreateChainInput, 'maxTasks' | 'collection' | 'signal' | 'verify'> {
  /** A validated graph. */
  readonly graph: TaskGraph;
  readonly planUsage?: Usage;
  /** Template versions pinned for the tasks, by task id. */
  readonly templates?: Readonly<Record<string, TaskTemplateUse>>;
}

/** Records a chain for a graph that is already validated and enqueues its roots. */
export async function startPlannedChain(engine: Engine, input: PlannedChainInput): Promise<CreatedChain> {
  const chainId = newChainId();
  const spec: ChainSpec = {
    chainId,
    request: input.request,
    model: input.model,
    graph: input.graph,
    createdAt: new Date().toISOString(),
    ...(input.templates ? { templates: input.templates } : {}),
  };
  await engine.repository.create({
    chainId,
    request: input.request,
    workspace: input.workspace,
    model: input.model,
    concurrency: input.concurrency,
    graph: input.graph,
    ...(input.budgetUsd !== undefined ? { budgetUsd: input.budgetUsd } : {}),
    ...(input.templates ? { templates: input.templates } : {}),
  });
  const roots = await engine.state.create(spec, input.budgetUsd);
  const planUsage = input.planUsage ?? ZERO_USAGE;
  if (input.planUsage) await recordPlanUsage(engine, chainId, input.planUsage);
  await enqueueTasks(engine.queue, engine.redis, chainId, input.graph, roots, engine.accumulator.ttlSeconds);
  return { chainId, graph: input.graph, planUsage };
}

async function recordPlanUsage(engine: Engine, chainId: string, usage: Usage): Promise<void> {
  const keys = chainKeys(chainId);
  await engine.redis
    .multi()
    .hset(keys.usage, PLAN_USAGE_FIELD, JSON.stringify(usage))
    .hincrbyfloat(keys.meta, 'spentUsd', usage.costUsd)
    .expire(keys.usage, engine.accumulator.ttlSeconds)
    .exec();
}

export class ChainNotFoundError extends TakossError {
  constructor(chainId: string) {
    super('usage', `No chain "${chainId}": see \`takoss chains list\` for the chains this database knows.`);
    this.name = 'ChainNotFoundError';
  }
}

/**
 * Makes a chain runnable again after its owner died. If Redis still has it, nothing to do
 * (the driver reconciles); if Redis lost it, its state is rebuilt from PostgreSQL: tasks
 * recorded as succeeded stay done (their results restored from the durable copies), the
 * rest run again. Returns the workspace to write into.
 */
export async function prepareResume(engine: Engine, chainId: string): Promise<{ workspace: string; rebuilt: boolean }> {
  const record = await engine.repository.find(chainId);
  if (!record) throw new ChainNotFoundError(chainId);
  if (await engine.state.meta(chainId)) return { workspace: record.workspace, rebuilt: false };
  if (isFinal(record.status)) {
    throw new TakossError('usage', `Chain ${chainId} already ended (${record.status}); there is nothing to resume.`);
  }
  const spec: ChainSpec = {
    chainId,
    request: record.request,
    model: record.model,
    graph: record.graph,
    createdAt: record.createdAt.toISOString(),
    ...(record.templates ? { templates: record.templates } : {}),
  };
  await engine.state.create(spec, record.budgetUsd ?? undefined);
  // Fresh state has roots queued and the rest waiting on all their dependencies; restored
  // tasks then complete through the driver like any other, releasing their dependents.
  for (const task of record.tasks) {
    if (task.status !== 'succeeded') continue;
    const result = await engine.repository.get(chainId, task.taskId);
    if (result) await restoreSucceeded(engine, chainId, result);
  }
  return { workspace: record.workspace, rebuilt: true };
}

/** Puts a durable result back as a generated task; the driver then completes it (files are idempotent). */
async function restoreSucceeded(engine: Engine, chainId: string, result: TaskResult): Promise<void> {
  const token = `restore-${randomBytes(8).toString('hex')}`;
  const keys = chainKeys(chainId);
  // Force the task into `running` for this restore token so the commit script accepts it.
  await engine.redis
    .multi()
    .hset(keys.states, result.taskId, 'running')
    .hset(keys.runs, result.taskId, JSON.stringify({ token, estimate: 0 }))
    .exec();
  await engine.state.commit(chainId, token, result);
}

function isFinal(status: string): status is ChainFinalStatus {
  return ['succeeded', 'failed', 'partial', 'cancelled', 'budget_exceeded'].includes(status);
}

/** Cancels a chain and tells every worker to abort its running tasks. */
export async function cancelChain(engine: Engine, chainId: string): Promise<ChainFinalStatus | 'cancelling'> {
  const record = await engine.repository.find(chainId);
  if (!record) throw new ChainNotFoundError(chainId);
  const outcome = await engine.state.cancel(chainId);
  await engine.announceCancel(chainId);
  if (outcome === undefined) {
    const meta = await engine.state.meta(chainId);
    return (meta?.status as ChainFinalStatus | undefined) ?? (isFinal(record.status) ? record.status : 'cancelled');
  }
  if (outcome !== 'cancelling') {
    await engine.repository.updateChain(chainId, { status: outcome, finishedAt: new Date() });
  }
  return outcome;
}
