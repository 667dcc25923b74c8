/**
 * The chain engine, assembled: connections to Redis and PostgreSQL, the task queue, the
 * state machine, the accumulator, the durable record, and — when this process works — the
 * BullMQ worker. The CLI (`build`, `worker`, `chains`) and the extension's backend open one
 * Engine each; any number of them can share one Redis and one PostgreSQL (scale-out is
 * BullMQ's own). Closing is graceful: running Claude calls are aborted and their tasks go
 * back to waiting for the next worker, then queues, connections and the database close.
 */
import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TakossConfig } from '../config';
import { ContextAccumulator } from '../context/contextAccumulator';
import { CANCEL_CHANNEL } from '../context/keys';
import { TakossError, errorMessage } from '../errors';
import { prepareDatabase } from '../db/prepare';
import { classifyConnectionError, createPool, describeDatabase } from '../db/postgres';
import { createPrismaClient, type PrismaClient } from '../db/prisma';
import { ClaudeClient, type ClaudeClientOptions } from '../llm/claudeClient';
import type { Logger } from '../logger';
import { ChainDriver, type ChainDriverDeps, type FileApplier } from '../orchestrator/chainDriver';
import { ChainRepository } from '../orchestrator/chainRepository';
import { ChainState } from '../orchestrator/chainState';
import { LocalCommits } from '../orchestrator/localCommits';
import type { VerifySetup } from '../orchestrator/verifyTasks';
import type { TemplateDb } from '../templates/templateStore';
import {
  DEFAULT_QUEUE_SETTINGS,
  createTaskQueue,
  queueSettingsFromEnv,
  type QueueSettings,
  type TaskJobData,
} from '../queue/taskQueue';
import { settlesWithin } from '../services/deadline';
import { checkRedis, closeRedisClient, createRedisClient, redisOptionsFromUrl } from '../services/redis';
import { ABORT_REASON, createTaskProcessor, type TaskProcessorDeps } from '../worker/taskProcessor';
import type { ChainWriteLimits } from '../workspace/fileReview';

/** How long shutting down waits for the worker's jobs to hand back (their calls are aborted). */
const WORKER_CLOSE_DEADLINE_MS = 10_000;
/** How long the worker's forced close may take (it does not wait on Redis). */
const WORKER_FORCED_CLOSE_MS = 2_000;

export interface EngineOptions {
  readonly config: TakossConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly queue?: Partial<QueueSettings>;
  /** Overrides for the Claude client (tests shorten timeouts). */
  readonly claude?: Partial<Omit<ClaudeClientOptions, 'apiKey'>>;
  /** Tuning of the task processor (budgets, limits). */
  readonly processor?: Partial<
    Pick<TaskProcessorDeps, 'contextTokenBudget' | 'maxRateLimitWaits' | 'defaultRateLimitMs' | 'runLimits' | 'execute'>
  >;
  /** Caps on what one chain writes in all (tests lower them). */
  readonly chainLimits?: Partial<ChainWriteLimits>;
  /** Timing of chain drivers (tests shorten it). */
  readonly driver?: Pick<ChainDriverDeps, 'reconcileIntervalMs' | 'priorityAgeingMs'>;
  /** @defaultValue prisma/migrations next to the bundle */
  readonly migrationsDir?: string;
}

export class Engine {
  private worker: Worker<TaskJobData> | undefined;
  private subscriber: Redis | undefined;
  private readonly active = new Map<string, TaskJobData>();
  private readonly blockingClients = new Set<Redis>();
  /** Processor runs in progress in this process. */
  private readonly processing = new Set<Promise<unknown>>();
  /** Results this process's worker commits, for drivers in this process. */
  private readonly localCommits = new LocalCommits();
  private closing: Promise<void> | undefined;

  private constructor(
    readonly options: EngineOptions,
    readonly settings: QueueSettings,
    readonly redis: Redis,
    readonly prisma: PrismaClient,
    readonly queue: Queue<TaskJobData>,
    readonly state: ChainState,
    readonly accumulator: ContextAccumulator,
    readonly repository: ChainRepository,
    /** The template library (Prisma for records, pg for hand-written SQL). */
    readonly templates: TemplateDb,
  ) {}

  /** Connects and prepares everything; throws a TakossError naming the service at fault. */
  static async open(options: EngineOptions): Promise<Engine> {
    const { config } = options;
    await checkRedis(config.redisUrl);
    const pool = createPool(config.databaseUrl, { max: 4 });
    try {
      await prepareDatabase(config.databaseUrl, pool, {
        logger: options.logger,
        ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error instanceof TakossError ? error : classifyConnectionError(error, describeDatabase(config.databaseUrl));
    }
    const settings = { ...DEFAULT_QUEUE_SETTINGS, ...queueSettingsFromEnv(options.env), ...options.queue };
    const redis = createRedisClient(config.redisUrl, {
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 3,
    });
    redis.on('error', (error: unknown) => options.logger.debug(`Redis: ${errorMessage(error)}`));
    const prisma = createPrismaClient(config.databaseUrl);
    const queue = createTaskQueue(connectionFor(config.redisUrl), settings);
    queue.on('error', (error: unknown) => options.logger.warn(`Queue: ${errorMessage(error)}`));
    const ttlSeconds = config.contextTtlSeconds;
    return new Engine(
      options,
      settings,
      redis,
      prisma,
      queue,
      new ChainState(redis, { ttlSeconds }),
      new ContextAccumulator(redis, { ttlSeconds }),
      new ChainRepository(prisma, pool),
      { prisma, pool },
    );
  }

  /** The Claude client; throws (exit 3) when there is no API key. */
  claude(): ClaudeClient {
    const apiKey = this.options.env.ANTHROPIC_API_KEY?.trim();
    if (!apiKey) {
      throw new TakossError(
        'infrastructure',
        'No Anthropic API key: set ANTHROPIC_API_KEY, or run "Takoss: Set Anthropic API Key" in VS Code.',
      );
    }
    const baseURL = this.options.env.ANTHROPIC_BASE_URL?.trim();
    return new ClaudeClient({ apiKey, ...(baseURL ? { baseURL } : {}), ...this.options.claude });
  }

  /** Starts processing tasks in this process, `concurrency` at a time. */
  async startWorker(concurrency: number, onText?: TaskProcessorDeps['onText']): Promise<void> {
    if (this.worker) return;
    const claude = this.claude();
    const processor = createTaskProcessor({
      state: this.state,
      accumulator: this.accumulator,
      claude: () => claude,
      queue: this.queue,
      logger: this.options.logger,
      durable: this.repository,
      active: this.active,
      handOver: this.localCommits,
      ...(onText ? { onText } : {}),
      ...this.options.processor,
    });
    // Every run of the processor, from its first line: shutting down waits for them.
    const tracked: typeof processor = (job, token, signal) => {
      const running = processor(job, token, signal);
      this.processing.add(running);
      void running.then(
        () => this.processing.delete(running),
        () => this.processing.delete(running),
      );
      return running;
    };
    this.worker = new Worker<TaskJobData>(this.settings.name, tracked, {
      connection: connectionFor(this.options.config.redisUrl, true),
      prefix: this.settings.prefix,
      concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      // BullMQ honours `queue.rateLimit()` (our shared 429 back-off) only on workers that
      // have a limiter; this one is far above any real task rate, so it never limits by itself.
      limiter: { max: 1_000_000, duration: 1000 },
    });
    this.worker.on('error', (error) => this.options.logger.warn(`Worker: ${errorMessage(error)}`));
    await this.listenForCancels();
    await this.worker.waitUntilReady();
  }

  /** A driver for a chain this process owns; its files go through `applier`, its checks through `verify`. */
  driver(chainId: string, applier: FileApplier, verify?: VerifySetup): ChainDriver {
    const blockingRedis = this.redis.duplicate();
    blockingRedis.on('error', () => undefined);
    this.blockingClients.add(blockingRedis);
    return new ChainDriver(chainId, {
      blockingRedis,
      redis: this.redis,
      state: this.state,
      accumulator: this.accumulator,
      queue: this.queue,
      repository: this.repository,
      templates: this.templates,
      applier,
      localCommits: this.localCommits,
      onFinished: () => {
        closeRedisClient(blockingRedis);
        this.blockingClients.delete(blockingRedis);
      },
      logger: this.options.logger,
      ...(this.options.chainLimits ? { chainLimits: this.options.chainLimits } : {}),
      ...this.options.driver,
      ...(verify ? { verify } : {}),
    });
  }

  /** Tells every worker, on every machine, to abort the chain's running tasks. */
  async announceCancel(chainId: string): Promise<void> {
    await this.redis.publish(CANCEL_CHANNEL, chainId);
  }

  private async listenForCancels(): Promise<void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, chainId: string) => {
      for (const [jobId, data] of this.active) {
        if (data.chainId === chainId) this.worker?.cancelJob(jobId, ABORT_REASON.cancelled);
      }
    });
    await subscriber.subscribe(CANCEL_CHANNEL);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.worker) {
      // Take no new job, then abort running Claude calls; their tasks go back to waiting (see
      // the processor).
      await this.worker.pause(true);
      this.worker.cancelAllJobs(ABORT_REASON.shutdown);
      const handedBack = await settlesWithin(Promise.allSettled([...this.processing]), WORKER_CLOSE_DEADLINE_MS);
      if (handedBack === 'late') {
        this.options.logger.warn(
          `Tasks still running after ${WORKER_CLOSE_DEADLINE_MS / 1000} s of shutting down; another worker takes them over once their locks expire.`,
        );
      }
      // Forced: the runs are over, and BullMQ's graceful close waits for its connections to
      // end, which a connection left reconnecting by a Redis restart never does. A job whose
      // last bookkeeping this cuts short is picked up again and found done.
      await settlesWithin(this.worker.close(true), WORKER_FORCED_CLOSE_MS);
    }
    if (this.subscriber) closeRedisClient(this.subscriber);
    for (const client of this.blockingClients) closeRedisClient(client);
    await this.queue.close();
    await this.repository.close();
    await this.prisma.$disconnect();
    await this.redis.quit().catch(() => undefined);
  }
}

/** BullMQ connection options for a Redis URL; workers must never give up on a command. */
export function connectionFor(url: string, worker = false): ConnectionOptions {
  const { host, port, path, db, username, password, tls } = redisOptionsFromUrl(url);
  const defined = Object.entries({ host, port, path, db, username, password, tls }).filter(
    ([, value]) => value !== undefined,
  );
  return { ...Object.fromEntries(defined), maxRetriesPerRequest: worker ? null : 3, enableOfflineQueue: true };
}
