/**
 * An Engine on the real services for one test: its own database, its own queue name (so
 * tests never see each other's jobs), the local Messages-API fake, and a temp workspace.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type TakossConfig } from '../../server/src/config';
import { Engine, type EngineOptions } from '../../server/src/engine/engine';
import { createLogger } from '../../server/src/logger';
import type { ChainEvent, DriveResult } from '../../server/src/orchestrator/chainDriver';
import { createChain, type CreatedChain } from '../../server/src/orchestrator/orchestrator';
import { workspaceApplier } from '../../server/src/cli/workspaceApplier';
import type { VerifyGate } from '../../server/src/orchestrator/verifyTasks';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicScript } from '../fixtures/fakeAnthropic';
import { freshDatabase, type TestDatabase } from './database';
import { removeLeftoversFromSharedRedis } from './sharedRedisCleanup';

export const TEST_API_KEY = 'sk-ant-test-engine-0123456789abcdef';

export interface Harness {
  readonly engine: Engine;
  readonly fake: FakeAnthropic;
  readonly database: TestDatabase;
  readonly workspace: string;
  readonly config: TakossConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly logs: string[];
  /** Decomposes `request` with the fake's plan and drives the chain to its end with in-process workers. */
  /** Plans and drives a chain; `inProcessWorker: false` leaves the work to other processes. */
  build(request?: string, options?: BuildOptions): Promise<BuildRun>;
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly concurrency?: number;
  readonly budgetUsd?: number;
  readonly inProcessWorker?: boolean;
  /** End the plan with the verification ladder; its checks run with `gate`'s consent. */
  readonly verify?: { readonly maxRepairs: number; readonly gate: VerifyGate };
}

export interface BuildRun {
  readonly created: CreatedChain;
  readonly result: DriveResult;
  readonly events: ChainEvent[];
}

export type HarnessOptions = Partial<Omit<EngineOptions, 'config' | 'env' | 'logger'>> & {
  /** A Redis of the test's own (a private redis-server) instead of the shared one. */
  readonly redisUrl?: string;
};

export async function startHarness(script: FakeAnthropicScript, overrides: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeAnthropic(script);
  const database = freshDatabase();
  const workspace = await mkdtemp(path.join(tmpdir(), 'takoss-ws-'));
  const logs: string[] = [];
  const config: TakossConfig = {
    ...DEFAULT_CONFIG,
    databaseUrl: database.url,
    concurrency: 4,
    ...(overrides.redisUrl ? { redisUrl: overrides.redisUrl } : {}),
  };
  const env = { ANTHROPIC_API_KEY: TEST_API_KEY, ANTHROPIC_BASE_URL: fake.baseUrl };
  const engine = await Engine.open({
    config,
    env,
    logger: createLogger((level, line) => logs.push(`${level}: ${line}`), 'debug'),
    queue: {
      name: `test-${randomBytes(4).toString('hex')}`,
      backoffMs: 50,
      lockDurationMs: 5000,
      stalledIntervalMs: 2000,
      ...overrides.queue,
    },
    claude: { idleTimeoutMs: 5000, ...overrides.claude },
    ...(overrides.processor ? { processor: overrides.processor } : {}),
    ...(overrides.chainLimits ? { chainLimits: overrides.chainLimits } : {}),
    ...(overrides.driver ? { driver: overrides.driver } : {}),
  });
  let workerStarted = false;
  return {
    engine,
    fake,
    database,
    workspace,
    config,
    env,
    logs,
    async build(request = 'Build a Todo app with React and Express', options = {}) {
      const created = await createChain(engine, {
        request,
        workspace,
        model: config.model,
        concurrency: options.concurrency ?? 4,
        maxTasks: config.maxTasks,
        ...(options.budgetUsd !== undefined ? { budgetUsd: options.budgetUsd } : {}),
        ...(options.verify ? { verify: { maxRepairs: options.verify.maxRepairs } } : {}),
      });
      const driver = engine.driver(
        created.chainId,
        workspaceApplier(workspace, created.chainId, engine.repository),
        options.verify ? { workspace, gate: options.verify.gate } : undefined,
      );
      const events: ChainEvent[] = [];
      driver.onEvent((event) => events.push(event));
      if (!workerStarted && options.inProcessWorker !== false) {
        await engine.startWorker(options.concurrency ?? 4);
        workerStarted = true;
      }
      const result = await driver.run();
      return { created, result, events };
    },
    async close() {
      try {
        await engine.close();
        // A private Redis is the test's to stop; the shared one keeps nothing of the test.
        if (!overrides.redisUrl) {
          const { name, prefix } = engine.settings;
          await removeLeftoversFromSharedRedis({
            redisUrl: config.redisUrl,
            databaseUrl: database.url,
            queueName: name,
            queuePrefix: prefix,
          });
        }
      } finally {
        await fake.close();
        await database.drop();
        await rm(workspace, { recursive: true, force: true });
      }
    },
  };
}

/** A plan task for the fake's scripts. */
export function planTask(id: string, dependsOn: string[] = [], category = 'backend') {
  return { id, title: `Build ${id}`, description: `Write the ${id} module.`, category, dependsOn };
}

/** A chain of tasks each depending on the one before; each writes `<id>.ts` after `delayMs`. */
export function linearChain(ids: readonly string[], delayMs = 0): FakeAnthropicScript {
  return {
    plans: [{ tasks: ids.map((id, index) => planTask(id, index === 0 ? [] : [ids[index - 1]!])) }],
    tasks: Object.fromEntries(
      ids.map((id) => [id, { files: [{ path: `${id}.ts`, content: `export const ${id} = 1;\n` }], delayMs }]),
    ),
  };
}
