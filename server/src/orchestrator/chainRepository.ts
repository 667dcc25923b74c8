/**
 * The durable record of chains in PostgreSQL: what was asked, the graph, every task's state,
 * usage, context and output, and the ledger of files written. Redis runs the chain; this
 * record outlives Redis TTLs, lets `resume` rebuild a lost Redis, and feeds `takoss chains`.
 */
import type { Pool } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../db/prisma';
import type { ChainVerificationOutcome, ChainVerificationView } from '../chainSnapshot';
import type { ContextReceived, TaskResult, VerifyVerdict } from '../context/types';
import type { TaskGraph } from '../decomposer/taskGraph';
import type { Usage } from '../llm/usage';
import type { DurableResults } from '../worker/taskProcessor';
import type { ChainFinalStatus, TaskState, TaskTemplateUse } from './chainState';

export type ChainRecordStatus = 'queued' | 'running' | ChainFinalStatus;

export interface NewChain {
  readonly chainId: string;
  readonly request: string;
  readonly workspace: string;
  readonly model: string;
  readonly concurrency: number;
  readonly budgetUsd?: number;
  readonly graph: TaskGraph;
  readonly templates?: Readonly<Record<string, TaskTemplateUse>>;
}

export interface TaskUpdate {
  readonly status?: TaskState;
  readonly attempts?: number;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly usage?: Usage;
  readonly summary?: string;
  readonly output?: TaskResult;
  readonly context?: ContextReceived;
  readonly fileOutcomes?: readonly unknown[];
  readonly error?: string | null;
}

export interface FileOutcomeRecord {
  readonly path: string;
  readonly action: string;
  readonly reason?: string;
}

export interface TaskRecord {
  readonly taskId: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly dependsOn: readonly string[];
  readonly status: TaskState;
  readonly attempts: number;
  readonly usage: Usage;
  readonly summary: string | null;
  readonly error: string | null;
  /** Files on disk as this task wrote them. */
  readonly files: readonly string[];
  /** What happened to each file the task produced. */
  readonly fileOutcomes: readonly FileOutcomeRecord[];
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** A verify task's verdict, from its durable result. */
  readonly verdict?: VerifyVerdict;
}

/** What the record keeps of a chain's verification (set when the chain ends). */
export interface VerificationRecord {
  readonly outcome: ChainVerificationOutcome;
  readonly step: string | null;
  readonly summary: string | null;
}

export interface ChainRecord {
  readonly chainId: string;
  readonly request: string;
  readonly workspace: string;
  readonly model: string;
  readonly status: ChainRecordStatus;
  readonly concurrency: number;
  readonly budgetUsd: number | null;
  readonly graph: TaskGraph;
  readonly templates: Readonly<Record<string, TaskTemplateUse>> | null;
  readonly usage: Usage;
  readonly error: string | null;
  readonly verification: VerificationRecord | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly tasks: readonly TaskRecord[];
}

interface VerificationColumns {
  verification: ChainVerificationOutcome | null;
  verificationStep: string | null;
  verificationSummary: string | null;
}

const verificationOf = (row: VerificationColumns): VerificationRecord | null =>
  row.verification === null
    ? null
    : { outcome: row.verification, step: row.verificationStep, summary: row.verificationSummary };

const usageColumns = (usage: Usage) => ({
  inputTokens: usage.inputTokens,
  outputTokens: usage.outputTokens,
  cacheReadTokens: usage.cacheReadTokens,
  cacheWriteTokens: usage.cacheWriteTokens,
  costUsd: usage.costUsd,
});

interface UsageRow {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: Prisma.Decimal;
}

const usageOf = (row: UsageRow): Usage => ({
  inputTokens: row.inputTokens,
  outputTokens: row.outputTokens,
  cacheReadTokens: row.cacheReadTokens,
  cacheWriteTokens: row.cacheWriteTokens,
  costUsd: Number(row.costUsd),
});

/** The verdict inside a verify task's durable result, if it has one. */
function verdictOf(output: unknown): { verdict?: VerifyVerdict } {
  const verdict = (output as Partial<TaskResult> | null)?.verdict;
  return verdict ? { verdict } : {};
}

/** Paths that are on disk as the task wrote them (not skipped or refused). */
function writtenPaths(outcomes: unknown): string[] {
  if (!Array.isArray(outcomes)) return [];
  return (outcomes as { path: string; action: string }[])
    .filter((outcome) => ['created', 'updated', 'unchanged'].includes(outcome.action))
    .map((outcome) => outcome.path);
}

/** Timestamps arrive as ISO strings in UTC; the columns are TIMESTAMP(3) in UTC, as Prisma writes them. */
const BATCH_UPDATE_TASKS = `
UPDATE "ChainTask" AS t SET
  "status" = COALESCE(u.status::"TaskStatus", t."status"),
  "attempts" = COALESCE(u.attempts, t."attempts"),
  "startedAt" = COALESCE(u.started_at AT TIME ZONE 'UTC', t."startedAt"),
  "finishedAt" = COALESCE(u.finished_at AT TIME ZONE 'UTC', t."finishedAt"),
  "inputTokens" = COALESCE(u.input_tokens, t."inputTokens"),
  "outputTokens" = COALESCE(u.output_tokens, t."outputTokens"),
  "cacheReadTokens" = COALESCE(u.cache_read_tokens, t."cacheReadTokens"),
  "cacheWriteTokens" = COALESCE(u.cache_write_tokens, t."cacheWriteTokens"),
  "costUsd" = COALESCE(u.cost_usd, t."costUsd"),
  "summary" = COALESCE(u.summary, t."summary"),
  "output" = COALESCE(u.output, t."output"),
  "context" = COALESCE(u.context, t."context"),
  "fileOutcomes" = COALESCE(u.file_outcomes, t."fileOutcomes"),
  "error" = CASE WHEN u.clear_error THEN NULL ELSE COALESCE(u.error, t."error") END
FROM jsonb_to_recordset($2::jsonb) AS u(
  task_id text, status text, attempts int, started_at timestamptz, finished_at timestamptz,
  input_tokens int, output_tokens int, cache_read_tokens int, cache_write_tokens int, cost_usd numeric,
  summary text, output jsonb, context jsonb, file_outcomes jsonb, error text, clear_error boolean
)
WHERE t."chainId" = $1 AND t."taskId" = u.task_id`;

const INSERT_CHAIN = `
INSERT INTO "Chain" ("id", "request", "workspace", "model", "concurrency", "budgetUsd", "graph", "templates")
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`;

const INSERT_TASKS = `
INSERT INTO "ChainTask" ("chainId", "taskId", "position", "title", "description", "category", "template", "dependsOn", "status")
SELECT $1, t.task_id, t.position, t.title, t.description, t.category, t.template,
  ARRAY(SELECT jsonb_array_elements_text(t.depends_on)), t.status::"TaskStatus"
FROM jsonb_to_recordset($2::jsonb) AS t(
  task_id text, position int, title text, description text, category text, template text, depends_on jsonb, status text
)`;

export class ChainRepository implements DurableResults {
  constructor(
    private readonly prisma: PrismaClient,
    /** For the hot batch statement: plain SQL through pg skips Prisma's query compiler on the event loop. */
    private readonly pool: Pool,
  ) {}

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Records a new chain and its tasks in one transaction, in plain SQL: Prisma would compile
   * (and keep) a query plan with a parameter per task field, for every chain size.
   */
  async create(chain: NewChain): Promise<void> {
    const tasks = chain.graph.tasks.map((task, position) => ({
      task_id: task.id,
      position,
      title: task.title,
      description: task.description,
      category: task.category,
      template: task.template ?? null,
      depends_on: [...task.dependsOn],
      status: task.dependsOn.length === 0 ? 'queued' : 'waiting',
    }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(INSERT_CHAIN, [
        chain.chainId,
        chain.request,
        chain.workspace,
        chain.model,
        chain.concurrency,
        chain.budgetUsd ?? null,
        JSON.stringify(chain.graph),
        chain.templates ? JSON.stringify(chain.templates) : null,
      ]);
      await client.query(INSERT_TASKS, [chain.chainId, JSON.stringify(tasks)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async updateTask(chainId: string, taskId: string, update: TaskUpdate): Promise<void> {
    await this.updateTasks(chainId, new Map([[taskId, update]]));
  }

  /**
   * Writes many task updates in one statement (the driver batches them off the critical
   * path). Fields left out keep their value; `error: null` clears the error.
   */
  async updateTasks(chainId: string, updates: ReadonlyMap<string, TaskUpdate>): Promise<void> {
    if (updates.size === 0) return;
    const rows = [...updates].map(([taskId, update]) => ({
      task_id: taskId,
      status: update.status ?? null,
      attempts: update.attempts ?? null,
      started_at: update.startedAt?.toISOString() ?? null,
      finished_at: update.finishedAt?.toISOString() ?? null,
      input_tokens: update.usage?.inputTokens ?? null,
      output_tokens: update.usage?.outputTokens ?? null,
      cache_read_tokens: update.usage?.cacheReadTokens ?? null,
      cache_write_tokens: update.usage?.cacheWriteTokens ?? null,
      cost_usd: update.usage?.costUsd ?? null,
      summary: update.summary ?? null,
      output: update.output ?? null,
      context: update.context ?? null,
      file_outcomes: update.fileOutcomes ?? null,
      error: update.error ?? null,
      clear_error: update.error === null,
    }));
    await this.pool.query(BATCH_UPDATE_TASKS, [chainId, JSON.stringify(rows)]);
  }

  async updateChain(
    chainId: string,
    update: {
      status?: ChainRecordStatus;
      usage?: Usage;
      error?: string | null;
      finishedAt?: Date;
      verification?: ChainVerificationView;
    },
  ): Promise<void> {
    const { verification } = update;
    await this.prisma.chain.update({
      where: { id: chainId },
      data: {
        ...(update.status ? { status: update.status } : {}),
        ...(verification
          ? {
              verification: verification.outcome,
              verificationStep: verification.step ?? null,
              verificationSummary: verification.summary,
            }
          : {}),
        ...(update.usage ? usageColumns(update.usage) : {}),
        ...(update.error !== undefined ? { error: update.error } : {}),
        ...(update.finishedAt ? { finishedAt: update.finishedAt } : {}),
      },
    });
  }

  async get(chainId: string, taskId: string): Promise<TaskResult | undefined> {
    const row = await this.prisma.chainTask.findUnique({
      where: { chainId_taskId: { chainId, taskId } },
      select: { output: true },
    });
    return (row?.output ?? undefined) as TaskResult | undefined;
  }

  async find(chainId: string): Promise<ChainRecord | undefined> {
    const row = await this.prisma.chain.findUnique({
      where: { id: chainId },
      include: { tasks: { orderBy: { position: 'asc' } } },
    });
    if (!row) return undefined;
    return {
      chainId: row.id,
      request: row.request,
      workspace: row.workspace,
      model: row.model,
      status: row.status,
      concurrency: row.concurrency,
      budgetUsd: row.budgetUsd === null ? null : Number(row.budgetUsd),
      graph: row.graph as unknown as TaskGraph,
      templates: row.templates as Record<string, TaskTemplateUse> | null,
      usage: usageOf(row),
      error: row.error,
      verification: verificationOf(row),
      createdAt: row.createdAt,
      finishedAt: row.finishedAt,
      tasks: row.tasks.map((task) => ({
        taskId: task.taskId,
        title: task.title,
        description: task.description,
        category: task.category,
        dependsOn: task.dependsOn,
        status: task.status,
        attempts: task.attempts,
        usage: usageOf(task),
        summary: task.summary,
        error: task.error,
        files: writtenPaths(task.fileOutcomes),
        fileOutcomes: Array.isArray(task.fileOutcomes) ? (task.fileOutcomes as unknown as FileOutcomeRecord[]) : [],
        startedAt: task.startedAt,
        finishedAt: task.finishedAt,
        ...verdictOf(task.output),
      })),
    };
  }

  async list(limit = 20): Promise<Omit<ChainRecord, 'tasks' | 'graph' | 'templates'>[]> {
    const rows = await this.prisma.chain.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
    return rows.map((row) => ({
      chainId: row.id,
      request: row.request,
      workspace: row.workspace,
      model: row.model,
      status: row.status,
      concurrency: row.concurrency,
      budgetUsd: row.budgetUsd === null ? null : Number(row.budgetUsd),
      usage: usageOf(row),
      error: row.error,
      verification: verificationOf(row),
      createdAt: row.createdAt,
      finishedAt: row.finishedAt,
    }));
  }

  /** The ledger of files this chain wrote, for the guarded writer. */
  ledger(chainId: string, taskId: string) {
    return {
      get: async (path: string): Promise<string | undefined> =>
        (await this.prisma.chainFile.findUnique({ where: { chainId_path: { chainId, path } } }))?.sha256,
      set: async (path: string, sha256: string): Promise<void> => {
        await this.prisma.chainFile.upsert({
          where: { chainId_path: { chainId, path } },
          create: { chainId, path, sha256, taskId },
          update: { sha256, taskId, writtenAt: new Date() },
        });
      },
    };
  }
}
