/**
 * `takoss build "<request>" --workspace <dir>`: decompose, run the graph with workers in
 * this process (others may join with `takoss worker`), write the files, and report. Also
 * `takoss chains resume <id>`, which drives an existing chain the same way.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig, type TakossConfig } from '../config';
import { Engine } from '../engine/engine';
import { EXIT_CODE, TakossError } from '../errors';
import type { Logger } from '../logger';
import type { ChainRecord } from '../orchestrator/chainRepository';
import type { DriveResult } from '../orchestrator/chainDriver';
import { createChain, prepareResume } from '../orchestrator/orchestrator';
import type { VerifyGate } from '../orchestrator/verifyTasks';
import { BuildProgress } from './progress';
import { workspaceApplier } from './workspaceApplier';

export interface BuildFlags {
  readonly workspace?: string;
  readonly concurrency?: string;
  readonly model?: string;
  readonly budgetUsd?: string;
  readonly json?: boolean;
  readonly overwrite?: boolean;
  /** Run the project's install, build and test at the end, repairing failures. */
  readonly verify?: boolean;
  readonly maxRepairs?: string;
}

export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Where the `--json` summary goes. */
  readonly stdout: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM: the build stops driving and leaves the chain resumable. */
  readonly signal?: AbortSignal;
}

const MAX_REQUEST_LENGTH = 10_000;

function parseBudget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const budget = Number(value);
  if (!Number.isFinite(budget) || budget <= 0) {
    throw new TakossError(
      'usage',
      `Invalid --budget-usd "${value}": give a positive number of dollars, e.g. --budget-usd 2.50.`,
    );
  }
  return budget;
}

async function prepareWorkspace(value: string | undefined): Promise<string> {
  if (!value) throw new TakossError('usage', 'Missing --workspace <dir>: the folder to build the project in.');
  const workspace = path.resolve(value);
  const existing = await stat(workspace).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new TakossError('usage', `--workspace ${workspace} is a file; give a folder (it is created if missing).`);
  }
  await mkdir(workspace, { recursive: true });
  return workspace;
}

export async function runBuild(request: string, flags: BuildFlags, context: CommandContext): Promise<number> {
  const trimmed = request.trim();
  if (!trimmed)
    throw new TakossError(
      'usage',
      'The request is empty: say what to build, e.g. takoss build "A Todo app with React and Express".',
    );
  if (trimmed.length > MAX_REQUEST_LENGTH) {
    throw new TakossError(
      'usage',
      `The request is ${trimmed.length} characters long; keep it under ${MAX_REQUEST_LENGTH}.`,
    );
  }
  const { config } = resolveConfig({
    explicit: { concurrency: flags.concurrency, model: flags.model, maxRepairs: flags.maxRepairs },
    explicitSource: 'flag',
    env: context.env,
  });
  const budgetUsd = parseBudget(flags.budgetUsd);
  const workspace = await prepareWorkspace(flags.workspace);
  const engine = await Engine.open({ config, env: context.env, logger: context.logger });
  try {
    engine.claude(); // fail before decomposing when there is no key
    context.logger.info(`Planning: ${trimmed}`);
    const created = await createChain(engine, {
      request: trimmed,
      workspace,
      model: config.model,
      concurrency: config.concurrency,
      maxTasks: config.maxTasks,
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      ...(flags.verify ? { verify: { maxRepairs: config.maxRepairs } } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.logger.info(`Chain ${created.chainId}: ${created.graph.tasks.length} tasks, building in ${workspace}`);
    return await drive(engine, config, created.chainId, workspace, flags, context);
  } finally {
    await engine.close();
  }
}

export async function runResume(chainId: string, flags: BuildFlags, context: CommandContext): Promise<number> {
  const { config } = resolveConfig({
    explicit: { concurrency: flags.concurrency },
    explicitSource: 'flag',
    env: context.env,
  });
  const engine = await Engine.open({ config, env: context.env, logger: context.logger });
  try {
    engine.claude();
    const { workspace, rebuilt } = await prepareResume(engine, chainId);
    context.logger.info(
      `Resuming chain ${chainId} in ${workspace}${rebuilt ? ' (rebuilt from PostgreSQL: Redis had lost it)' : ''}`,
    );
    return await drive(engine, config, chainId, workspace, flags, context);
  } finally {
    await engine.close();
  }
}

async function drive(
  engine: Engine,
  config: TakossConfig,
  chainId: string,
  workspace: string,
  flags: BuildFlags,
  context: CommandContext,
): Promise<number> {
  const record = await engine.repository.find(chainId);
  const states = await engine.state.states(chainId);
  const done = Object.keys(states).filter((taskId) => states[taskId] === 'succeeded');
  const progress = new BuildProgress(record!.graph, {}, done);
  const driver = engine.driver(
    chainId,
    workspaceApplier(workspace, chainId, engine.repository, { overwrite: flags.overwrite ?? false }),
    { workspace, gate: flagGate(flags.verify === true) },
  );
  driver.onEvent((event) => progress.handle(event));
  const stop = () => driver.stop();
  context.signal?.addEventListener('abort', stop, { once: true });
  progress.start();
  await engine.startWorker(config.concurrency);
  let result: DriveResult;
  try {
    result = await driver.run();
  } finally {
    context.signal?.removeEventListener('abort', stop);
    await progress.finish(context.signal?.aborted ? 'interrupted' : 'not run');
  }
  const final = await engine.repository.find(chainId);
  if (!result.finished) {
    context.logger.warn(`Stopped following chain ${chainId}; continue it with: takoss chains resume ${chainId}`);
  } else {
    context.logger.info(`Chain ${chainId} ${result.status}; cost $${result.usage.costUsd.toFixed(4)}`);
    const { verification } = result;
    if (verification) context.logger.info(`Verification: ${verification.outcome} — ${verification.summary}`);
  }
  if (flags.json && final) context.stdout.write(`${JSON.stringify(buildSummary(final, result))}\n`);
  // A build whose checks failed did not produce a working app, whatever its tasks did.
  const worked = result.status === 'succeeded' && result.verification?.outcome !== 'verify_failed';
  return worked ? EXIT_CODE.ok : EXIT_CODE.failed;
}

/** The command line's consent is its flag: `--verify` runs the checks, nothing else does. */
function flagGate(verify: boolean): VerifyGate {
  const answer = verify ? { allowed: true } : { allowed: false, reason: 'it was run without --verify' };
  return { consent: () => Promise.resolve(answer) };
}

/** The `--json` object of DESIGN.md §3.1. */
export function buildSummary(record: ChainRecord, result: DriveResult) {
  return {
    chainId: record.chainId,
    status: result.status,
    ...(result.verification ? { verification: result.verification } : {}),
    tasks: record.tasks.map((task) => ({
      id: task.taskId,
      status: task.status,
      attempts: task.attempts,
      files: task.files,
      usage: task.usage,
      ...(task.error ? { error: task.error } : {}),
    })),
    files: [...new Set(record.tasks.flatMap((task) => task.files))].sort(),
    usage: {
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      cacheReadTokens: result.usage.cacheReadTokens,
      cacheWriteTokens: result.usage.cacheWriteTokens,
      costUsd: result.usage.costUsd,
    },
  };
}
