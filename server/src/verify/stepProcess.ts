/**
 * Runs one verify command as its own process group, so that a timeout or a cancel ends the
 * command and everything it started (npm → sh → node → the server a test forgot to close).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { errorMessage } from '../errors';
import { BoundedOutput } from './outputExcerpt';
import { trackProcessGroup } from './processGroups';

export interface StepProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL, to let the runner print what it was doing. */
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  readonly signal?: AbortSignal;
  /** Every chunk of stdout and stderr as it arrives, e.g. to stream it to the task graph. */
  readonly onOutput?: (chunk: string) => void;
}

export interface StepProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** The command could not be started at all, e.g. ENOENT when it is not on PATH. */
  readonly spawnError: NodeJS.ErrnoException | undefined;
  readonly durationMs: number;
  /** stdout and stderr interleaved in arrival order, head and tail kept within maxOutputBytes. */
  readonly output: string;
  readonly pid: number | undefined;
}

// After the command exits, how long its pipes may stay open (held by a process that left the
// group with setsid) before we stop reading them.
const PIPE_DRAIN_MS = 1_000;

// Process groups are a POSIX idea; on Windows only the command itself is killed.
const USE_PROCESS_GROUP = process.platform !== 'win32';

// setTimeout takes at most this; a larger delay would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A usable delay: finite and positive (or zero, when `allowZero`), clamped to what a timer can wait. */
function checkedDelay(name: string, ms: number, allowZero: boolean): number {
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !allowZero)) {
    throw new RangeError(`${name} must be a finite number of milliseconds above zero, not ${String(ms)}`);
  }
  return Math.min(ms, MAX_TIMER_MS);
}

export function runStepProcess(
  command: string,
  args: readonly string[],
  options: StepProcessOptions,
): Promise<StepProcessResult> {
  const timeoutMs = checkedDelay('timeoutMs', options.timeoutMs, false);
  const killGraceMs = checkedDelay('killGraceMs', options.killGraceMs, true);
  return new Promise((resolve) => {
    const started = performance.now();
    const output = new BoundedOutput(options.maxOutputBytes);
    const note = (text: string): void => {
      const line = `\n[takoss] ${text}\n`;
      output.append(line);
      options.onOutput?.(line);
    };
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        detached: USE_PROCESS_GROUP,
        windowsHide: true,
      });
    } catch (error) {
      // spawn throws synchronously for some arguments (e.g. EINVAL for a .cmd on Windows).
      const spawnError = error as NodeJS.ErrnoException;
      note(`could not start ${command}: ${errorMessage(error)}`);
      resolve(finalResult(undefined, null, null, false, false, spawnError));
      return;
    }

    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        if (USE_PROCESS_GROUP) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // ESRCH: every process of the group is gone already.
      }
    };
    // After the command exits: how long the pipes may stay open before we stop reading them.
    const drain = (): void => {
      if (drainTimer !== undefined) return;
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, PIPE_DRAIN_MS);
    };
    const terminate = (): void => {
      if (graceTimer !== undefined || exit !== undefined) return;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => {
        note(`still running ${killGraceMs} ms after SIGTERM: killed with SIGKILL`);
        killGroup('SIGKILL');
        if (exit !== undefined) drain();
      }, killGraceMs);
    };
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      note(`timed out after ${formatMs(options.timeoutMs)}: stopping the command and every process it started`);
      terminate();
    }, timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      note('cancelled: stopping the command and every process it started');
      terminate();
    };
    // If the backend exits or is killed by a signal meanwhile, the detached group must not outlive it.
    const forgetGroup = child.pid === undefined ? () => undefined : trackProcessGroup(() => killGroup('SIGKILL'));

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever of the group is left (processes that closed their output) goes with the command.
      if (exit !== undefined) killGroup('SIGKILL');
      forgetGroup();
      resolve(finalResult(child.pid, exit?.code ?? null, exit?.signal ?? null, timedOut, aborted, spawnError));
    };

    // One decoder per stream, so a character split across chunks reaches onOutput whole.
    const collectFrom = (decoder: StringDecoder) => (chunk: Buffer) => {
      output.append(chunk);
      if (options.onOutput !== undefined) {
        const text = decoder.write(chunk);
        if (text !== '') options.onOutput(text);
      }
    };
    child.stdout?.on('data', collectFrom(new StringDecoder('utf8')));
    child.stderr?.on('data', collectFrom(new StringDecoder('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a kill that failed; the exit still comes
      spawnError = error;
      const hint = error.code === 'ENOENT' ? ` — is ${command} installed and on PATH?` : '';
      note(`could not start ${command}: ${errorMessage(error)}${hint}`);
      finish();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      clearTimeout(timeoutTimer);
      // Stopping it is under way (npm exits at SIGTERM at once): the rest of the group keeps its
      // grace, so the test runner can still print which test hung; the grace timer kills it.
      if (graceTimer !== undefined) return;
      // What the command started and left behind (a server, a watcher) goes with it.
      killGroup('SIGKILL');
      drain();
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      exit ??= { code, signal };
      finish();
    });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    function finalResult(
      pid: number | undefined,
      exitCode: number | null,
      signal: NodeJS.Signals | null,
      wasTimedOut: boolean,
      wasAborted: boolean,
      error: NodeJS.ErrnoException | undefined,
    ): StepProcessResult {
      return {
        exitCode,
        signal,
        timedOut: wasTimedOut,
        aborted: wasAborted,
        spawnError: error,
        durationMs: Math.round(performance.now() - started),
        output: output.toString(),
        pid,
      };
    }
  });
}

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}
