/**
 * The Context Accumulator (the seed's API): finished tasks' results and the chain's history
 * in Redis, under `chain:<id>:result:<taskId>` and `chain:<id>:history`, with a TTL that is
 * refreshed while the chain lives. Writes go in one MULTI, so a result never appears
 * without its history event.
 */
import type { Redis } from 'ioredis';
import type { ContextReceived, TaskResult } from './types';
import { allChainKeys, chainKeys } from './keys';

export interface HistoryEvent {
  readonly at: string;
  readonly type: string;
  readonly taskId?: string;
  readonly detail?: string;
}

export interface ChainStats {
  readonly chainId: string;
  /** Results stored (one per finished task). */
  readonly results: number;
  readonly historyLength: number;
  /** Bytes of stored results. */
  readonly resultBytes: number;
  /** Seconds until the chain's context expires; -2 when it is gone, -1 without expiry. */
  readonly ttlSeconds: number;
  /** Task count per status. */
  readonly tasks: Readonly<Record<string, number>>;
}

export interface ContextAccumulatorOptions {
  /** @defaultValue 3600 */
  readonly ttlSeconds?: number;
  /** History entries kept per chain; older ones are trimmed. @defaultValue 5000 */
  readonly maxHistory?: number;
}

const REFRESH_TTL = `
for i, key in ipairs(KEYS) do redis.call('EXPIRE', key, ARGV[1]) end
return #KEYS`;

export class ContextAccumulator {
  readonly ttlSeconds: number;
  readonly maxHistory: number;

  constructor(
    private readonly redis: Redis,
    options: ContextAccumulatorOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    this.maxHistory = options.maxHistory ?? 5000;
  }

  async storeResult(chainId: string, result: TaskResult): Promise<void> {
    const keys = chainKeys(chainId);
    const event: HistoryEvent = { at: result.completedAt, type: 'result.stored', taskId: result.taskId };
    await this.redis
      .multi()
      .set(keys.result(result.taskId), JSON.stringify(result), 'EX', this.ttlSeconds)
      .rpush(keys.history, JSON.stringify(event))
      .ltrim(keys.history, -this.maxHistory, -1)
      .expire(keys.history, this.ttlSeconds)
      .exec();
  }

  async getResult(chainId: string, taskId: string): Promise<TaskResult | undefined> {
    const raw = await this.redis.get(chainKeys(chainId).result(taskId));
    return raw === null ? undefined : (JSON.parse(raw) as TaskResult);
  }

  /** Results of several tasks in one round trip; missing ones are absent from the map. */
  getResults(chainId: string, taskIds: readonly string[]): Promise<Map<string, TaskResult>> {
    return this.readMany<TaskResult>(taskIds, chainKeys(chainId).result);
  }

  /** Records what a task was given, for the UI and `takoss chains context`. */
  async storeContext(chainId: string, taskId: string, received: ContextReceived): Promise<void> {
    await this.redis.set(chainKeys(chainId).context(taskId), JSON.stringify(received), 'EX', this.ttlSeconds);
  }

  async getContext(chainId: string, taskId: string): Promise<ContextReceived | undefined> {
    const raw = await this.redis.get(chainKeys(chainId).context(taskId));
    return raw === null ? undefined : (JSON.parse(raw) as ContextReceived);
  }

  /** What several tasks received, in one round trip; tasks without a record are absent. */
  getContexts(chainId: string, taskIds: readonly string[]): Promise<Map<string, ContextReceived>> {
    return this.readMany<ContextReceived>(taskIds, chainKeys(chainId).context);
  }

  async appendHistory(chainId: string, event: HistoryEvent): Promise<void> {
    const keys = chainKeys(chainId);
    await this.redis
      .multi()
      .rpush(keys.history, JSON.stringify(event))
      .ltrim(keys.history, -this.maxHistory, -1)
      .expire(keys.history, this.ttlSeconds)
      .exec();
  }

  async getHistory(chainId: string, start = 0, end = -1): Promise<HistoryEvent[]> {
    const raws = await this.redis.lrange(chainKeys(chainId).history, start, end);
    return raws.map((raw) => JSON.parse(raw) as HistoryEvent);
  }

  async getChainStats(chainId: string): Promise<ChainStats> {
    const keys = chainKeys(chainId);
    const [historyLength, ttlSeconds, states] = await Promise.all([
      this.redis.llen(keys.history),
      this.redis.ttl(keys.history),
      this.redis.hgetall(keys.states),
    ]);
    const resultKeys = await this.scanKeys(keys.resultPattern);
    const sizes = resultKeys.length > 0 ? await Promise.all(resultKeys.map((key) => this.redis.strlen(key))) : [];
    const tasks: Record<string, number> = {};
    for (const status of Object.values(states)) tasks[status] = (tasks[status] ?? 0) + 1;
    return {
      chainId,
      results: resultKeys.length,
      historyLength,
      resultBytes: sizes.reduce((sum, size) => sum + size, 0),
      ttlSeconds,
      tasks,
    };
  }

  /** Pushes the expiry of every key of a live chain `ttlSeconds` into the future. */
  async refreshTtl(chainId: string, taskIds: readonly string[]): Promise<void> {
    const keys = allChainKeys(chainId, taskIds);
    await this.redis.eval(REFRESH_TTL, keys.length, ...keys, this.ttlSeconds);
  }

  /** Deletes everything the chain keeps in Redis; returns how many keys went. */
  async cleanupChain(chainId: string): Promise<number> {
    const keys = await this.scanKeys(chainKeys(chainId).pattern);
    if (keys.length === 0) return 0;
    return this.redis.unlink(...keys);
  }

  private async readMany<T>(taskIds: readonly string[], keyOf: (taskId: string) => string): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (taskIds.length === 0) return found;
    const raws = await this.redis.mget(taskIds.map(keyOf));
    raws.forEach((raw, index) => {
      if (raw !== null) found.set(taskIds[index]!, JSON.parse(raw) as T);
    });
    return found;
  }

  private async scanKeys(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }
}
