/**
 * What the backend of a VS Code window does for it: opens the engine once the services are
 * up (and works on tasks itself), starts and follows the chains the user builds, answers
 * questions about chains and templates, and pushes live snapshots and streamed task output.
 * The language server binds this to the protocol (main.ts); tests drive it directly.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Backend } from '../backend';
import type { ChainSnapshot } from '../chainSnapshot';
import { Engine, type EngineOptions } from '../engine/engine';
import { TakossError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { ChainDriver } from '../orchestrator/chainDriver';
import { cancelChain, createChain, prepareResume, ChainNotFoundError } from '../orchestrator/orchestrator';
import type {
  ChainContextView,
  ChainSummaryView,
  StartChainParams,
  VerifyConsentAnswer,
  VerifyConsentParams,
} from '../protocol';
import type { VerifyGate } from '../orchestrator/verifyTasks';
import { addTaskJobs } from '../queue/taskQueue';
import { resolveConfig } from '../config';
import { buildChainSnapshot } from './chainSnapshots';
import { extensionApplier, type ApplyFilesSender } from './extensionApplier';
import { chainSummaryView } from './views';

export interface SessionNotifier {
  chainDidChange(version: number, chain: ChainSnapshot): void;
  chainsDidChange(chainId: string): void;
  taskOutput(chainId: string, taskId: string, text: string): void;
  templatesDidChange(name?: string): void;
}

export interface SessionDeps {
  readonly backend: Backend;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly notify: SessionNotifier;
  readonly applyFiles: ApplyFilesSender;
  /** Asks the extension whether a verify may run the project's commands (settings, trust, the user). */
  readonly askVerifyConsent: (params: VerifyConsentParams, signal: AbortSignal) => Promise<VerifyConsentAnswer>;
  /** Overrides for tests (queue names, timeouts). */
  readonly engineOptions?: Partial<Omit<EngineOptions, 'config' | 'env' | 'logger'>>;
  /** Delay that batches snapshot and output notifications. @defaultValue 100 */
  readonly throttleMs?: number;
}

const LIVE_STATUSES: ReadonlySet<string> = new Set(['queued', 'running', 'cancelling']);

/** Streamed text kept per running task (the tail, if a task talks a lot). */
const MAX_OUTPUT_CHARS = 100_000;

export class TakossSession {
  private opening: Promise<Engine> | undefined;
  private readonly drivers = new Map<string, ChainDriver>();
  private readonly versions = new Map<string, number>();
  private readonly snapshotTimers = new Map<string, NodeJS.Timeout>();
  private readonly outputs = new Map<
    string,
    { chainId: string; taskId: string; text: string; timer?: NodeJS.Timeout }
  >();
  private disposed = false;

  constructor(private readonly deps: SessionDeps) {}

  /** The engine, opened on first use once Redis and PostgreSQL are ready. */
  engine(): Promise<Engine> {
    if (this.disposed) return Promise.reject(new TakossError('infrastructure', 'The Takoss backend is shutting down.'));
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<Engine> {
    const health = await this.deps.backend.whenSettled();
    if (health.phase !== 'ready') {
      const problem =
        health.configError ?? [health.redis, health.postgres].find((status) => status.state !== 'ok')?.detail;
      throw new TakossError('infrastructure', problem ?? 'Redis and PostgreSQL are not ready yet.');
    }
    const { config } = resolveConfig({ explicit: this.deps.settings, explicitSource: 'setting', env: this.deps.env });
    const engine = await Engine.open({
      config,
      env: this.deps.env,
      logger: this.deps.logger,
      ...this.deps.engineOptions,
    });
    // Without a key the engine still serves the library and history; building asks for one.
    if (this.deps.env.ANTHROPIC_API_KEY?.trim()) {
      await engine.startWorker(config.concurrency, (chainId, taskId, delta) => this.onText(chainId, taskId, delta));
    }
    return engine;
  }

  async listChains(): Promise<ChainSummaryView[]> {
    const engine = await this.engine();
    return (await engine.repository.list(50)).map(chainSummaryView);
  }

  async getChain(chainId: string): Promise<ChainSnapshot> {
    return buildChainSnapshot(await this.engine(), chainId);
  }

  /** Plans and starts a chain in `params.workspace`; the files arrive through the extension. */
  async startChain(params: StartChainParams, signal?: AbortSignal): Promise<ChainSnapshot> {
    const engine = await this.engine();
    engine.claude(); // no key: refuse before planning
    const workspace = await checkWorkspace(params.workspace);
    const { config } = resolveConfig({
      explicit: {
        ...this.deps.settings,
        concurrency: params.concurrency,
        model: params.model,
        verify: params.verify,
        maxRepairs: params.maxRepairs,
      },
      explicitSource: 'setting',
      env: this.deps.env,
    });
    if (params.budgetUsd !== undefined && !(params.budgetUsd > 0)) {
      throw new TakossError('usage', `Invalid budget ${params.budgetUsd}: give a positive number of dollars.`);
    }
    const created = await createChain(engine, {
      request: params.request,
      workspace,
      model: config.model,
      concurrency: config.concurrency,
      maxTasks: config.maxTasks,
      ...(params.budgetUsd !== undefined ? { budgetUsd: params.budgetUsd } : {}),
      ...(params.collection ? { collection: params.collection } : {}),
      ...(config.verify !== 'never' ? { verify: { maxRepairs: config.maxRepairs } } : {}),
      ...(signal ? { signal } : {}),
    });
    this.follow(engine, created.chainId, workspace);
    this.deps.notify.chainsDidChange(created.chainId);
    return buildChainSnapshot(engine, created.chainId);
  }

  async cancelChain(chainId: string): Promise<{ status: string }> {
    const engine = await this.engine();
    const status = await cancelChain(engine, chainId);
    this.scheduleSnapshot(chainId);
    this.deps.notify.chainsDidChange(chainId);
    return { status };
  }

  async resumeChain(chainId: string): Promise<ChainSnapshot> {
    const engine = await this.engine();
    engine.claude();
    const { workspace } = await prepareResume(engine, chainId);
    this.follow(engine, chainId, await checkWorkspace(workspace));
    return buildChainSnapshot(engine, chainId);
  }

  async retryTask(chainId: string, taskId: string): Promise<ChainSnapshot> {
    const engine = await this.engine();
    engine.claude();
    const record = await engine.repository.find(chainId);
    if (!record) throw new ChainNotFoundError(chainId);
    if (!(await engine.state.meta(chainId))) await prepareResume(engine, chainId);
    const retried = await engine.state.retry(chainId, taskId);
    if (retried.kind === 'noop') {
      throw new TakossError(
        'usage',
        `Task ${taskId} is ${retried.state || 'unknown'}; only failed, skipped or cancelled tasks can be retried.`,
      );
    }
    if (retried.kind === 'queued') await addTaskJobs(engine.queue, chainId, record.graph, [retried.job]);
    await engine.repository.updateChain(chainId, { status: 'running' });
    this.follow(engine, chainId, await checkWorkspace(record.workspace));
    this.deps.notify.chainsDidChange(chainId);
    return buildChainSnapshot(engine, chainId);
  }

  /** Deletes a finished chain's context from Redis (the durable record stays). */
  async cleanupChain(chainId: string): Promise<{ keysRemoved: number }> {
    const engine = await this.engine();
    const meta = await engine.state.meta(chainId);
    if (meta && LIVE_STATUSES.has(meta.status)) {
      throw new TakossError(
        'usage',
        `Chain ${chainId} is ${meta.status}; cancel it or let it finish before cleaning up its context.`,
      );
    }
    const keysRemoved = await engine.accumulator.cleanupChain(chainId);
    this.deps.notify.chainsDidChange(chainId);
    return { keysRemoved };
  }

  async chainContext(chainId: string): Promise<ChainContextView> {
    const engine = await this.engine();
    const record = await engine.repository.find(chainId);
    if (!record) throw new ChainNotFoundError(chainId);
    const [stats, history, results] = await Promise.all([
      engine.accumulator.getChainStats(chainId),
      engine.accumulator.getHistory(chainId),
      engine.accumulator.getResults(
        chainId,
        record.tasks.map((task) => task.taskId),
      ),
    ]);
    return {
      chainId,
      stats,
      history,
      results: [...results.values()].map((result) => ({
        taskId: result.taskId,
        title: result.title,
        summary: result.summary,
        files: result.files.map((file) => ({ path: file.path, bytes: file.bytes })),
        usage: result.usage,
        completedAt: result.completedAt,
      })),
    };
  }

  /** Drives a chain from this window: its files land through the extension. */
  private follow(engine: Engine, chainId: string, workspace: string): void {
    if (this.drivers.has(chainId)) return;
    void engine.repository.find(chainId).then((record) => {
      const titles = new Map((record?.tasks ?? []).map((task) => [task.taskId, task.title]));
      const driver = engine.driver(
        chainId,
        extensionApplier(workspace, chainId, titles, engine.repository, this.deps.applyFiles),
        {
          workspace,
          gate: this.verifyGate(),
          onOutput: (taskId, chunk) => this.onText(chainId, taskId, chunk),
        },
      );
      this.drivers.set(chainId, driver);
      driver.onEvent(() => this.scheduleSnapshot(chainId));
      this.scheduleSnapshot(chainId);
      driver
        .run()
        .then((result) =>
          this.deps.logger.info(`Chain ${chainId} ${result.status}; $${result.usage.costUsd.toFixed(4)}.`),
        )
        .catch((error: unknown) => this.deps.logger.error(`Following chain ${chainId} failed: ${errorMessage(error)}`))
        .finally(() => {
          this.drivers.delete(chainId);
          this.scheduleSnapshot(chainId);
          this.deps.notify.chainsDidChange(chainId);
        });
    });
  }

  /** The extension answers, from `takoss.verify` as it is then and the workspace's trust, asking the user on `ask`. */
  private verifyGate(): VerifyGate {
    return {
      consent: (request, signal) => this.deps.askVerifyConsent({ ...request, commands: [...request.commands] }, signal),
    };
  }

  private scheduleSnapshot(chainId: string): void {
    if (this.disposed || this.snapshotTimers.has(chainId)) return;
    const timer = setTimeout(() => {
      this.snapshotTimers.delete(chainId);
      void this.engine()
        .then((engine) => buildChainSnapshot(engine, chainId))
        .then((chain) => {
          // A chain this window drives is finished once its driver has recorded everything
          // (files, usage); until then a final status in Redis would show an incomplete chain.
          if (this.drivers.has(chainId) && !LIVE_STATUSES.has(chain.status)) return;
          const version = (this.versions.get(chainId) ?? 0) + 1;
          this.versions.set(chainId, version);
          this.deps.notify.chainDidChange(version, chain);
        })
        .catch((error: unknown) => this.deps.logger.warn(`Snapshot of ${chainId} failed: ${errorMessage(error)}`));
    }, this.deps.throttleMs ?? 100);
    this.snapshotTimers.set(chainId, timer);
  }

  private onText(chainId: string, taskId: string, delta: string): void {
    const key = `${chainId}/${taskId}`;
    const entry = this.outputs.get(key) ?? { chainId, taskId, text: '' };
    entry.text = (entry.text + delta).slice(-MAX_OUTPUT_CHARS);
    this.outputs.set(key, entry);
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      this.deps.notify.taskOutput(chainId, taskId, entry.text);
    }, this.deps.throttleMs ?? 100);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.snapshotTimers.values()) clearTimeout(timer);
    for (const entry of this.outputs.values()) clearTimeout(entry.timer);
    for (const driver of this.drivers.values()) driver.stop();
    const engine = await this.opening?.catch(() => undefined);
    await engine?.close();
  }
}

/** The workspace folder must exist: the extension sends the path of an open folder. */
async function checkWorkspace(workspace: string): Promise<string> {
  const absolute = path.resolve(workspace);
  const found = await stat(absolute).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new TakossError(
      'usage',
      `The workspace folder ${absolute} does not exist; open the folder to build in and try again.`,
    );
  }
  return absolute;
}
