/**
 * Runs a chain's verify tasks. They run in the driver's process because it is the one with
 * the workspace (workers may be on other machines), never as a BullMQ job: the driver
 * starts one when it is released, and its reconcile starts any left queued or running by a
 * driver that died. Each run claims the task through the state machine like a worker does,
 * asks for consent, runs the project's install, build and test (`server/src/verify/`), and
 * commits a result that carries the verdict instead of files; completing it releases the
 * repair, or settles the rungs above it `unneeded`.
 */
import { randomUUID } from 'node:crypto';
import type { TaskResult, VerifyVerdict } from '../context/types';
import { taskById } from '../decomposer/taskGraph';
import { errorMessage } from '../errors';
import { ZERO_USAGE } from '../llm/usage';
import type { Logger } from '../logger';
import {
  PackageJsonError,
  VerifyCancelledError,
  detectToolchain,
  readInvolvedFiles,
  runVerify,
  withLocalImports,
  type Toolchain,
  type VerifyOptions,
  type VerifyResult,
  type VerifyStepName,
} from '../verify';
import type { ChainSpec, ChainState, ReleasedTask } from './chainState';
import type { ResultApplier } from './resultApplier';

/** Whether the project's own commands may run; asked before each verify runs them. */
export interface VerifyGate {
  consent(
    request: { chainId: string; taskId: string; workspace: string; commands: readonly string[] },
    signal: AbortSignal,
  ): Promise<{ allowed: boolean; reason?: string }>;
}

/** What a driver needs to run verify tasks. */
export interface VerifySetup {
  /** Absolute path of the workspace the chain writes into. */
  readonly workspace: string;
  readonly gate: VerifyGate;
  /** Each step's output as it arrives (the UI shows it like a task's streamed text). */
  readonly onOutput?: (taskId: string, chunk: string) => void;
  /** Per-step limits and the like (tests shorten them). */
  readonly options?: Pick<VerifyOptions, 'timeoutsMs' | 'killGraceMs' | 'baseEnv'>;
}

export interface VerifyTasksDeps {
  readonly state: ChainState;
  readonly results: ResultApplier;
  readonly logger: Logger;
  readonly setup: VerifySetup | undefined;
  /** Enqueues what a completed verify released (the repair). */
  readonly enqueue: (released: ReleasedTask[]) => Promise<void>;
}

/** Why a run was aborted. */
const STOPPED = 'stopped';
const CANCELLED = 'cancelled';

export class VerifyTasks {
  /** Runs in progress in this driver, by task id. */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly chainId: string,
    private readonly spec: () => ChainSpec | undefined,
    private readonly deps: VerifyTasksDeps,
  ) {}

  /** True when `taskId` is a verify task of the chain (the driver runs it, not a worker). */
  owns(taskId: string): boolean {
    const spec = this.spec();
    return spec !== undefined && taskById(spec.graph, taskId)?.kind === 'verify';
  }

  /** Starts the verify tasks among `released` and returns the rest (the queue's). */
  take(released: readonly ReleasedTask[]): ReleasedTask[] {
    const others: ReleasedTask[] = [];
    for (const task of released) {
      if (this.owns(task.taskId)) this.start(task.taskId);
      else others.push(task);
    }
    return others;
  }

  /** Starts a run of `taskId` unless this driver is already running it. */
  start(taskId: string): void {
    if (this.running.has(taskId)) return;
    const controller = new AbortController();
    const done = this.run(taskId, controller.signal)
      .catch((error: unknown) =>
        this.deps.logger.error(`Verify ${this.chainId}/${taskId} failed to report: ${errorMessage(error)}`),
      )
      .finally(() => this.running.delete(taskId));
    this.running.set(taskId, { controller, done });
  }

  /** Stops every run: `cancelled` settles the tasks, `stopped` hands them to the next driver. */
  abortAll(why: 'stopped' | 'cancelled'): void {
    for (const { controller } of this.running.values()) controller.abort(why === 'cancelled' ? CANCELLED : STOPPED);
  }

  /** Resolves once no run is in progress. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }

  private async run(taskId: string, signal: AbortSignal): Promise<void> {
    const { state } = this.deps;
    const task = taskById(this.spec()!.graph, taskId)!;
    const runToken = randomUUID();
    const started = await state.start(this.chainId, taskId, runToken, 0);
    if (started.kind !== 'run') return;
    try {
      const verdict = await this.verdict(taskId, task.round ?? 1, signal);
      const result: TaskResult = {
        taskId,
        title: task.title,
        summary: verdict.summary,
        files: [],
        usage: ZERO_USAGE,
        model: 'none',
        attempt: started.attempt,
        completedAt: new Date().toISOString(),
        verdict,
      };
      if ((await state.commit(this.chainId, runToken, result)) !== 'committed') return;
      const released: ReleasedTask[] = [];
      await this.deps.results.apply(taskId, runToken, released, result);
      await this.deps.enqueue(released);
    } catch (error) {
      if (signal.aborted && signal.reason === CANCELLED) {
        await state.cancelRunning(this.chainId, taskId);
      } else if (signal.aborted) {
        // The driver stopped: the next one runs it again from the start.
        await state.requeue(this.chainId, taskId, runToken, 'the build stopped while verifying');
      } else {
        const reason = `the checks could not run: ${errorMessage(error)}`;
        await state.fail(this.chainId, taskId, reason, runToken);
      }
    }
  }

  /** Asks, runs and reports; throws VerifyCancelledError when aborted. */
  private async verdict(taskId: string, round: number, signal: AbortSignal): Promise<VerifyVerdict> {
    const setup = this.deps.setup;
    // A driver given no way to ask runs nothing, and the chain says why.
    if (!setup) return notRun(round, 'this run was not set up to run the project’s checks');
    // Detected once: the commands the user consents to are the commands that run.
    const toolchain = await toolchainOf(setup.workspace, signal);
    const commands = toolchain?.detected ? toolchain.steps.map((step) => step.commandLine) : [];
    if (commands.length > 0) {
      const answer = await setup.gate.consent(
        { chainId: this.chainId, taskId, workspace: setup.workspace, commands },
        signal,
      );
      if (signal.aborted) throw new VerifyCancelledError({ cause: signal.reason });
      if (!answer.allowed) return notRun(round, answer.reason ?? 'consent was not given');
    }
    this.deps.logger.info(`Chain ${this.chainId}: ${taskId} runs ${commands.join(', ') || 'nothing'}.`);
    const outcome = await runVerify(setup.workspace, {
      ...setup.options,
      ...(toolchain ? { toolchain } : {}),
      signal,
      ...(setup.onOutput
        ? { onOutput: (_step: VerifyStepName, chunk: string) => setup.onOutput?.(taskId, chunk) }
        : {}),
    });
    return toVerdict(outcome, round, setup.workspace);
  }
}

function notRun(round: number, reason: string): VerifyVerdict {
  return { outcome: 'not_run', round, summary: `Not run: ${reason}.`, detail: reason, steps: [] };
}

/** The project's toolchain; undefined for a broken package.json (runVerify reports it as a failure a repair can fix). */
async function toolchainOf(workspace: string, signal: AbortSignal): Promise<Toolchain | undefined> {
  try {
    return await detectToolchain(workspace, { signal });
  } catch (error) {
    if (error instanceof PackageJsonError) return undefined;
    throw error;
  }
}

async function toVerdict(outcome: VerifyResult, round: number, workspace: string): Promise<VerifyVerdict> {
  const steps = outcome.steps.map((step) => ({
    name: step.name,
    command: step.command,
    exitCode: step.exitCode,
    timedOut: step.timedOut,
    durationMs: step.durationMs,
  }));
  if (outcome.outcome === 'passed') {
    const ran = steps.map((step) => step.command).join(', ');
    const detail = ran ? `${ran} passed` : 'the checks passed';
    return { outcome: 'passed', round, summary: ran ? `Passed: ${ran}.` : 'Passed.', detail, steps };
  }
  if (outcome.outcome === 'not_run' || !outcome.failure) {
    return { ...notRun(round, outcome.reason ?? 'there was nothing to run'), steps };
  }
  const { failure } = outcome;
  const detail = failure.summary.replace(/\.+$/, '');
  // What the failing files import is usually the code at fault; package.json is in almost
  // every failure's story (scripts, dependencies). The repair sees them all.
  const named = await withLocalImports(workspace, failure.files);
  const involved = await readInvolvedFiles(workspace, [...named, 'package.json']);
  return {
    outcome: 'failed',
    round,
    step: failure.step,
    command: failure.command,
    summary: `${detail}.`,
    detail,
    excerpt: failure.excerpt,
    steps,
    involved,
  };
}
