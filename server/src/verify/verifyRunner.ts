/**
 * Verify: does the project in the workspace install, build and pass its tests? Runs the steps
 * `detectToolchain` chose one at a time, each in a clean environment with a timeout, and stops at
 * the first that fails. Whether to run project code at all (consent, workspace trust) is the
 * caller's decision; this module only runs it safely.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveWorkspaceRoot } from '../workspace';
import { buildVerifyEnv } from './cleanEnv';
import { findInvolvedFiles } from './involvedFiles';
import { DEFAULT_EXCERPT_BYTES, DEFAULT_MAX_OUTPUT_BYTES, trimOutput } from './outputExcerpt';
import { formatMs, runStepProcess, type StepProcessResult } from './stepProcess';
import {
  PackageJsonError,
  detectToolchain,
  type PackageManager,
  type SkippedStep,
  type Toolchain,
  type VerifyStep,
  type VerifyStepName,
} from './toolchain';

export const DEFAULT_VERIFY_TIMEOUTS_MS: Readonly<Record<VerifyStepName, number>> = {
  install: 10 * 60_000,
  build: 5 * 60_000,
  test: 5 * 60_000,
};
export const DEFAULT_KILL_GRACE_MS = 2_000;

export interface VerifyOptions {
  /** Aborting stops the running step (its whole process group) and rejects with `VerifyCancelledError`. */
  readonly signal?: AbortSignal;
  /** Per-step time limits; the rest keep `DEFAULT_VERIFY_TIMEOUTS_MS`. */
  readonly timeoutsMs?: Partial<Record<VerifyStepName, number>>;
  /** Between SIGTERM and SIGKILL on timeout or cancel. @defaultValue 2000 */
  readonly killGraceMs?: number;
  /** Output kept per step (head and tail). @defaultValue 200 KiB */
  readonly maxOutputBytes?: number;
  /** Size of each step's excerpt for the repair prompt. @defaultValue 8 KiB */
  readonly excerptBytes?: number;
  /** Where PATH, HOME and LANG come from; nothing else of it is passed. @defaultValue process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** Variables added to the clean environment (e.g. a proxy); Takoss's own secrets are refused. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly onStepStart?: (step: VerifyStep) => void;
  readonly onOutput?: (step: VerifyStepName, chunk: string) => void;
  /** The toolchain already detected (the one whose commands were consented to); detected here when absent. */
  readonly toolchain?: Toolchain;
  /** The platform to behave as; for tests. @defaultValue process.platform */
  readonly platform?: NodeJS.Platform;
}

/** Why nothing runs on Windows: npm is npm.cmd there (spawn without a shell cannot start it) and there are no process groups. */
export const WINDOWS_NOT_SUPPORTED = 'Verifying projects is not supported on Windows yet';

export interface VerifyStepResult {
  readonly name: VerifyStepName;
  /** The command line as a person would type it, e.g. `npm run test`. */
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** stdout and stderr interleaved, bounded by `maxOutputBytes`. */
  readonly output: string;
  /** `trimOutput(output)`: what a repair prompt shows. */
  readonly excerpt: string;
}

/** What a repair needs to know, in one shape whether a step failed or package.json did. */
export interface VerifyFailure {
  readonly step: VerifyStepName | 'package.json';
  readonly command: string;
  /** One line for people: the chain's final state, the graph, logs. */
  readonly summary: string;
  readonly excerpt: string;
  /** Workspace-relative files the failing output mentions (existing, inside the workspace). */
  readonly files: readonly string[];
}

export interface VerifyResult {
  readonly outcome: 'passed' | 'failed' | 'not_run';
  readonly steps: readonly VerifyStepResult[];
  readonly failedStep?: VerifyStepName | 'package.json';
  readonly failure?: VerifyFailure;
  /** Why nothing (or not everything) ran, when `outcome` is `not_run`; the failure summary when `failed`. */
  readonly reason?: string;
  readonly packageManager?: PackageManager;
  readonly skipped?: readonly SkippedStep[];
}

/** The run was cancelled through its AbortSignal; the step's processes are gone when this is thrown. */
export class VerifyCancelledError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('verify was cancelled', options);
    this.name = 'AbortError';
  }
}

export async function runVerify(workspaceRoot: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  if ((options.platform ?? process.platform) === 'win32') {
    return { outcome: 'not_run', steps: [], reason: WINDOWS_NOT_SUPPORTED };
  }
  const root = await resolveWorkspaceRoot(workspaceRoot);
  throwIfCancelled(options.signal);
  let toolchain: Toolchain;
  try {
    toolchain = options.toolchain ?? (await detectToolchain(root, { signal: options.signal }));
  } catch (error) {
    throwIfCancelled(options.signal);
    // A broken package.json is a defect of the generated project, so a repair can fix it.
    if (!(error instanceof PackageJsonError)) throw error;
    const excerptBytes = options.excerptBytes ?? DEFAULT_EXCERPT_BYTES;
    const failure: VerifyFailure = {
      step: 'package.json',
      command: 'read package.json',
      summary: error.message,
      excerpt: trimOutput(error.message, { maxBytes: excerptBytes }),
      files: ['package.json'],
    };
    return { outcome: 'failed', steps: [], failedStep: 'package.json', failure, reason: error.message };
  }
  if (!toolchain.detected) return { outcome: 'not_run', steps: [], reason: toolchain.reason };
  const { packageManager, skipped } = toolchain;

  // Per run, removed afterwards: whatever the project's tools leave in TMPDIR goes with it.
  const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'takoss-verify-'));
  try {
    const env = buildVerifyEnv({ from: options.baseEnv, tmpDir, extra: options.extraEnv });
    const steps: VerifyStepResult[] = [];
    for (const step of toolchain.steps) {
      throwIfCancelled(options.signal);
      options.onStepStart?.(step);
      const run = await runStepProcess(step.command, step.args, {
        cwd: root,
        env,
        timeoutMs: options.timeoutsMs?.[step.name] ?? DEFAULT_VERIFY_TIMEOUTS_MS[step.name],
        killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
        signal: options.signal,
        onOutput: options.onOutput && ((chunk) => options.onOutput?.(step.name, chunk)),
      });
      if (run.aborted) throw new VerifyCancelledError({ cause: options.signal?.reason });
      const result = stepResult(step, run, options.excerptBytes ?? DEFAULT_EXCERPT_BYTES);
      steps.push(result);

      if (run.spawnError !== undefined) {
        // The machine lacks the tool: no repair of the project can fix that, so it is not a failure.
        const reason =
          run.spawnError.code === 'ENOENT'
            ? `${step.command} is not installed or not on PATH; the project needs it for "${step.commandLine}"`
            : `${step.commandLine} could not be started: ${run.spawnError.message}`;
        return { outcome: 'not_run', steps, reason, packageManager, skipped };
      }
      if (run.exitCode !== 0 || run.timedOut) {
        const summary = failureSummary(step, run, options.timeoutsMs?.[step.name]);
        const failure: VerifyFailure = {
          step: step.name,
          command: step.commandLine,
          summary,
          excerpt: result.excerpt,
          files: await findInvolvedFiles(run.output, root),
        };
        return { outcome: 'failed', steps, failedStep: step.name, failure, reason: summary, packageManager, skipped };
      }
    }
    return { outcome: 'passed', steps, packageManager, skipped };
  } finally {
    // Leftovers in TMPDIR must not replace the result (or the error) of the run.
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function stepResult(step: VerifyStep, run: StepProcessResult, excerptBytes: number): VerifyStepResult {
  return {
    name: step.name,
    command: step.commandLine,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    durationMs: run.durationMs,
    output: run.output,
    excerpt: trimOutput(run.output, { maxBytes: excerptBytes }),
  };
}

function failureSummary(step: VerifyStep, run: StepProcessResult, timeoutMs: number | undefined): string {
  if (run.timedOut) {
    return `${step.commandLine} timed out after ${formatMs(timeoutMs ?? DEFAULT_VERIFY_TIMEOUTS_MS[step.name])}`;
  }
  if (run.signal !== null) return `${step.commandLine} was killed by ${run.signal}`;
  return `${step.commandLine} failed with exit code ${run.exitCode ?? 'unknown'}`;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VerifyCancelledError({ cause: signal.reason });
}
