/**
 * Mirrors a chain's task states to PostgreSQL off the critical path. Redis is the live
 * truth; PostgreSQL is the durable record. Updates are merged per task and written in one
 * statement every `intervalMs`, so scheduling never waits for the database; `close()`
 * flushes what is left before the chain is reported finished.
 */
import type { ContextAccumulator } from '../context/contextAccumulator';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { recordTemplateUsage, type ExecutionInput } from '../templates/templateUsage';
import type { TemplateDb } from '../templates/templateStore';
import type { ChainRepository, TaskUpdate } from './chainRepository';

export class ChainMirror {
  private pending = new Map<string, TaskUpdate>();
  private executions: ExecutionInput[] = [];
  /** Tasks whose received context should be copied from Redis with the next flush. */
  private contexts = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

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
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  update(taskId: string, update: TaskUpdate, copyContext = false): void {
    this.pending.set(taskId, { ...this.pending.get(taskId), ...update });
    if (copyContext) this.contexts.add(taskId);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Writes everything pending; resolves when it (and any earlier write) is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    const contexts = [...this.contexts];
    const executions = this.executions;
    this.pending = new Map();
    this.contexts = new Set();
    this.executions = [];
    this.writing = this.writing.then(async () => {
      try {
        if (batch.size > 0) {
          const received = await this.accumulator.getContexts(this.chainId, contexts);
          for (const [taskId, context] of received) batch.set(taskId, { ...batch.get(taskId), context });
          await this.repository.updateTasks(this.chainId, batch);
        }
        for (const execution of executions) await recordTemplateUsage(this.templates!, execution);
      } catch (error) {
        // The live state is in Redis; a lost mirror write is repaired by the final one.
        this.logger.warn(`Could not record task states of chain ${this.chainId}: ${errorMessage(error)}`);
      }
    });
    return this.writing;
  }

  close(): Promise<void> {
    return this.flush();
  }
}
