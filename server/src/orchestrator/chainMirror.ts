/**
 * Mirrors a chain's task states to PostgreSQL off the critical path. Redis is the live
 * truth; PostgreSQL is the durable record. Updates are merged per task and written in one
 * statement every `intervalMs`, so scheduling never waits for the database. A write that
 * fails (PostgreSQL down or restarting) is kept and retried with backoff — task states and
 * template usage records are never dropped silently; `close()` retries a few more times
 * and then reports, as an error, exactly what could not be written.
 */
import type { ContextAccumulator } from '../context/contextAccumulator';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { recordTemplateUsage, type ExecutionInput } from '../templates/templateUsage';
import type { TemplateDb } from '../templates/templateStore';
import type { ChainRepository, TaskUpdate } from './chainRepository';

const MAX_RETRY_DELAY_MS = 5_000;
/** Tries at close, after the first: with the backoff, about ten seconds in all. */
const CLOSE_RETRIES = 5;

export class ChainMirror {
  private pending = new Map<string, TaskUpdate>();
  private executions: ExecutionInput[] = [];
  /** Tasks whose received context should be copied from Redis with the next flush. */
  private contexts = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Failed writes in a row; 0 when the last one went through. */
  private failures = 0;
  private lastError = '';

  constructor(
    private readonly chainId: string,
    private readonly repository: ChainRepository,
    private readonly accumulator: ContextAccumulator,
    private readonly logger: Logger,
    /** Where template executions are recorded; none, none recorded. */
    private readonly templates?: TemplateDb,
    /** @defaultValue 200 */
    private readonly intervalMs = 200,
  ) {}

  /** Queues the record of one use of a template version (written with the next flush). */
  recordExecution(execution: ExecutionInput): void {
    if (!this.templates) return;
    this.executions.push(execution);
    this.schedule();
  }

  update(taskId: string, update: TaskUpdate, copyContext = false): void {
    this.pending.set(taskId, { ...this.pending.get(taskId), ...update });
    if (copyContext) this.contexts.add(taskId);
    this.schedule();
  }

  /** Writes everything pending; resolves when it (and any earlier write) is done, written or kept for a retry. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // The batch is taken when the write runs, not when it is asked for: a failed earlier write
    // puts its updates back first, so newer ones always land on top of older ones.
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    const contexts = [...this.contexts];
    const executions = this.executions;
    this.pending = new Map();
    this.contexts = new Set();
    this.executions = [];
    let tasksWritten = batch.size === 0;
    let recorded = 0;
    try {
      if (!tasksWritten) {
        const received = await this.accumulator.getContexts(this.chainId, contexts);
        for (const [taskId, context] of received) batch.set(taskId, { ...batch.get(taskId), context });
        await this.repository.updateTasks(this.chainId, batch);
        tasksWritten = true;
      }
      // Recording is idempotent per execution, so a retry after a partial batch counts nothing twice.
      for (const execution of executions) {
        await recordTemplateUsage(this.templates!, execution);
        recorded += 1;
      }
      if (this.failures > 0) this.logger.info(`PostgreSQL is back: the record of chain ${this.chainId} is up to date.`);
      this.failures = 0;
    } catch (error) {
      this.keep(
        tasksWritten ? new Map<string, TaskUpdate>() : batch,
        tasksWritten ? [] : contexts,
        executions.slice(recorded),
      );
      this.failures += 1;
      this.lastError = errorMessage(error);
      if (this.failures === 1) {
        this.logger.warn(
          `Could not record chain ${this.chainId} in PostgreSQL (${this.lastError}); the live state is in Redis, retrying.`,
        );
      }
      this.schedule();
    }
  }

  /** Flushes, retrying a while if PostgreSQL is down; then reports what could not be written. */
  async close(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      await this.flush();
      if (!this.hasPending()) break;
      if (attempt >= CLOSE_RETRIES) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.logger.error(
          `Chain ${this.chainId}: ${this.pending.size} task records and ${this.executions.length} template usage records ` +
            `could not be written to PostgreSQL (${this.lastError}). The chain's results stay in Redis until their ` +
            'context TTL runs out; its durable record in PostgreSQL is incomplete.',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.retryDelay()));
    }
  }

  private hasPending(): boolean {
    return this.pending.size > 0 || this.executions.length > 0;
  }

  /** Puts a failed batch back under anything newer that arrived meanwhile. */
  private keep(
    batch: Map<string, TaskUpdate>,
    contexts: readonly string[],
    executions: readonly ExecutionInput[],
  ): void {
    for (const [taskId, update] of batch) this.pending.set(taskId, { ...update, ...this.pending.get(taskId) });
    for (const taskId of contexts) this.contexts.add(taskId);
    this.executions = [...executions, ...this.executions];
  }

  private schedule(): void {
    // Never what keeps a process alive: close() writes what is left, and gives up loudly.
    this.timer ??= setTimeout(() => void this.flush(), this.failures > 0 ? this.retryDelay() : this.intervalMs).unref();
  }

  private retryDelay(): number {
    return Math.min(this.intervalMs * 2 ** this.failures, MAX_RETRY_DELAY_MS);
  }
}
