/**
 * Which template versions were used, how they did and what they cost: one execution row
 * per task run, and per-version analytics computed in the database.
 */
import type { Usage } from '../llm/usage';
import type { TemplateDb } from './templateStore';
import { TemplateNotFoundError } from './templateStore';

export type ExecutionStatus = 'succeeded' | 'failed' | 'cancelled';

export interface ExecutionInput {
  readonly templateVersionId: string;
  readonly chainId: string;
  readonly taskId: string;
  readonly model: string;
  readonly status: ExecutionStatus;
  readonly attempts: number;
  readonly executionTimeMs: number;
  readonly usage: Usage;
  readonly error?: string | null;
}

/**
 * Records one use of a version and bumps its template's counters in the same statement.
 * A task recorded twice (at-least-once delivery) is counted once: (chain, task, version)
 * is unique. Returns whether this call recorded it.
 */
export async function recordTemplateUsage(db: TemplateDb, input: ExecutionInput): Promise<boolean> {
  const result = await db.pool.query<{ recorded: string }>(
    `WITH inserted AS (
       INSERT INTO "TemplateExecution" ("templateVersionId", "chainId", "taskId", model, status, attempts, "executionTimeMs",
                                        "promptTokens", "completionTokens", "cacheReadTokens", "cacheWriteTokens", "costUsd", error)
       VALUES ($1, $2, $3, $4, $5::"ExecutionStatus", $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ("chainId", "taskId", "templateVersionId") DO NOTHING
       RETURNING "templateVersionId"
     ), counted AS (
       UPDATE "PromptTemplate" t SET "usageCount" = t."usageCount" + 1, "lastUsedAt" = now()
         FROM "TemplateVersion" v, inserted
        WHERE v.id = inserted."templateVersionId" AND t.id = v."templateId"
       RETURNING 1
     )
     SELECT count(*) AS recorded FROM counted`,
    [
      input.templateVersionId,
      input.chainId,
      input.taskId,
      input.model,
      input.status,
      input.attempts,
      Math.round(input.executionTimeMs),
      input.usage.inputTokens,
      input.usage.outputTokens,
      input.usage.cacheReadTokens,
      input.usage.cacheWriteTokens,
      input.usage.costUsd,
      input.error ?? null,
    ],
  );
  return Number(result.rows[0]?.recorded ?? 0) > 0;
}

export interface VersionAnalytics {
  readonly version: number;
  readonly labels: readonly string[];
  readonly runs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Succeeded ÷ runs, or null without runs. */
  readonly successRate: number | null;
  readonly p50LatencyMs: number | null;
  readonly p95LatencyMs: number | null;
  readonly meanPromptTokens: number | null;
  readonly meanCompletionTokens: number | null;
  readonly meanCacheReadTokens: number | null;
  readonly meanCostUsd: number | null;
  /** Attempts beyond the first, summed over runs. */
  readonly retries: number;
  /** Distinct chains that used this version and ended verified. */
  readonly verifiedChains: number;
  /** Distinct chains that used this version whose verification reached a verdict (verified or verify_failed). */
  readonly checkedChains: number;
}

export interface TemplateAnalytics {
  readonly name: string;
  readonly usageCount: number;
  readonly versions: readonly VersionAnalytics[];
}

interface AnalyticsRow {
  version: number;
  labels: string[] | null;
  runs: string;
  succeeded: string;
  failed: string;
  p50: number | null;
  p95: number | null;
  prompt: string | null;
  completion: string | null;
  cache_read: string | null;
  cost: string | null;
  retries: string | null;
  verified_chains: string;
  checked_chains: string;
}

const number = (value: string | number | null): number | null => (value === null ? null : Number(value));

export async function getTemplateAnalytics(db: TemplateDb, name: string): Promise<TemplateAnalytics> {
  const template = await db.prisma.promptTemplate.findUnique({
    where: { name },
    select: { id: true, usageCount: true },
  });
  if (!template) throw new TemplateNotFoundError(name);
  // Joining the chain by its primary key keeps one row per execution, so the run aggregates are
  // unchanged; DISTINCT counts a chain whose tasks used the version several times once. Chains
  // not_verified, still running or older than verification (NULL) proved nothing either way.
  const result = await db.pool.query<AnalyticsRow>(
    `SELECT v.version,
            (SELECT array_agg(l.label ORDER BY l.label) FROM "TemplateLabel" l WHERE l."versionId" = v.id) AS labels,
            count(e.id) AS runs,
            count(e.id) FILTER (WHERE e.status = 'succeeded') AS succeeded,
            count(e.id) FILTER (WHERE e.status = 'failed') AS failed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY e."executionTimeMs") AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY e."executionTimeMs") AS p95,
            avg(e."promptTokens") AS prompt,
            avg(e."completionTokens") AS completion,
            avg(e."cacheReadTokens") AS cache_read,
            avg(e."costUsd") AS cost,
            sum(e.attempts - 1) AS retries,
            count(DISTINCT e."chainId") FILTER (WHERE c.verification = 'verified') AS verified_chains,
            count(DISTINCT e."chainId") FILTER (WHERE c.verification IN ('verified', 'verify_failed')) AS checked_chains
       FROM "TemplateVersion" v
       LEFT JOIN "TemplateExecution" e ON e."templateVersionId" = v.id
       LEFT JOIN "Chain" c ON c.id = e."chainId"
      WHERE v."templateId" = $1
      GROUP BY v.id, v.version
      ORDER BY v.version DESC`,
    [template.id],
  );
  return {
    name,
    usageCount: template.usageCount,
    versions: result.rows.map((row) => {
      const runs = Number(row.runs);
      return {
        version: row.version,
        labels: row.labels ?? [],
        runs,
        succeeded: Number(row.succeeded),
        failed: Number(row.failed),
        successRate: runs === 0 ? null : Number(row.succeeded) / runs,
        p50LatencyMs: number(row.p50),
        p95LatencyMs: number(row.p95),
        meanPromptTokens: number(row.prompt),
        meanCompletionTokens: number(row.completion),
        meanCacheReadTokens: number(row.cache_read),
        meanCostUsd: number(row.cost),
        retries: Number(row.retries ?? 0),
        verifiedChains: Number(row.verified_chains),
        checkedChains: Number(row.checked_chains),
      };
    }),
  };
}
