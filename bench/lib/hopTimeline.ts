/**
 * What a critical-path hop is made of, step by step: every Redis command the process sends is
 * stamped when it is sent and when its reply arrives (named by its script, ioredis's
 * `scriptsSet`), and every request to Claude when its headers are written and when its
 * response's headers arrive (undici's diagnostics channels, which `fetch` reports to). On a
 * linear chain, one task at a time, each hop is then cut into the same steps, from a task's
 * response to the next task's request. A diagnostic for bench:engine: it patches ioredis in
 * this process while it records, and puts it back after.
 */
import diagnostics from 'node:diagnostics_channel';
import Redis from 'ioredis';
import type { Figure } from './report';
import { runWithoutQueue } from './baselines';
import { benchGraph } from './benchGraph';
import { percentile } from './dag';
import { onHopChain, runChain, type Context } from './engineBench';

interface Stamp {
  readonly what: string;
  readonly sent: number;
  replied?: number;
}

/** The steps of a hop, in order: [name, from, to] over the events found in it. */
const STEPS = [
  ['response → commit sent', 'response', 'commit>'],
  ['commit (round trip)', 'commit>', 'commit<'],
  ['→ completion sent', 'commit<', 'complete>'],
  ['completion (round trip)', 'complete>', 'complete<'],
  ['→ BullMQ add sent', 'complete<', 'add>'],
  ['add → the worker asks for the job (moveToFinished or moveToActive sent)', 'add>', 'take>'],
  ['moveToFinished or moveToActive (round trip)', 'take>', 'take<'],
  ['→ claim sent', 'take<', 'start>'],
  ['claim (round trip)', 'start>', 'start<'],
  ['→ next request sent', 'start<', 'request'],
] as const;

const KINDS = ['commit', 'complete', 'add', 'take', 'start'] as const;
type Kind = (typeof KINDS)[number];
type Point = 'response' | 'request' | `${Kind}>` | `${Kind}<`;

const SCRIPT_POINTS: Readonly<Record<string, Kind>> = {
  takossCommitResult: 'commit',
  takossCompleteTask: 'complete',
  // Task jobs carry a priority (taskPriority.ts).
  'addPrioritizedJob:': 'add',
  // The worker finishing the previous job asks for the next in the same call (it waited for the
  // add, taskProcessor.ts); a slot woken by the add asks with moveToActive. The first one sent counts.
  'moveToFinished:': 'take',
  'moveToActive:': 'take',
  takossStartTask: 'start',
};

interface Sendable {
  sendCommand: (
    this: Redis,
    command: { name: string; args: unknown[]; promise: Promise<unknown> },
    stream?: unknown,
  ) => unknown;
}

export class HopRecorder {
  private stamps: Stamp[] = [];
  private readonly requests: { sent: number; answered?: number }[] = [];
  private restore: (() => void) | undefined;

  /** Starts stamping (ioredis commands and HTTP requests of this process). */
  start(): void {
    const prototype = Redis.prototype as unknown as Sendable;
    const sendCommand = prototype.sendCommand;
    const stamps = this.stamps;
    prototype.sendCommand = function (command, stream) {
      const stamp: Stamp = { what: scriptName(this, command), sent: performance.now() };
      stamps.push(stamp);
      command.promise.then(
        () => (stamp.replied = performance.now()),
        () => undefined,
      );
      return sendCommand.call(this, command, stream);
    };
    const pending = new WeakMap<object, { sent: number; answered?: number }>();
    const sent = (message: unknown) => {
      const request = { sent: performance.now() };
      pending.set((message as { request: object }).request, request);
      this.requests.push(request);
    };
    const answered = (message: unknown) => {
      const request = pending.get((message as { request: object }).request);
      if (request) request.answered = performance.now();
    };
    diagnostics.subscribe('undici:client:sendHeaders', sent);
    diagnostics.subscribe('undici:request:headers', answered);
    this.restore = () => {
      prototype.sendCommand = sendCommand;
      diagnostics.unsubscribe('undici:client:sendHeaders', sent);
      diagnostics.unsubscribe('undici:request:headers', answered);
    };
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** The median time from a response to the next request (what the no-queue scheduler is measured by). */
  gapMs(): number {
    const gaps: number[] = [];
    for (let index = 0; index + 1 < this.requests.length; index++) {
      const response = this.requests[index]!.answered;
      const next = this.requests[index + 1]!.sent;
      if (response !== undefined && next >= response) gaps.push(next - response);
    }
    return percentile(gaps, 50);
  }

  /** Per step, its median over the hops where every step was found; and how many hops that was. */
  steps(): { medians: [string, number][]; totalMs: number; hops: number; skipped: number } {
    const durations = STEPS.map(() => [] as number[]);
    const totals: number[] = [];
    let skipped = 0;
    for (let index = 0; index + 1 < this.requests.length; index++) {
      const response = this.requests[index]!.answered;
      const next = this.requests[index + 1]!.sent;
      if (response === undefined || next < response) continue;
      const points = this.pointsBetween(response, next);
      if (!points) {
        skipped += 1;
        continue;
      }
      STEPS.forEach(([, from, to], step) => durations[step]!.push(points[to] - points[from]));
      totals.push(next - response);
    }
    return {
      medians: STEPS.map(([name], step) => [name, percentile(durations[step]!, 50)]),
      totalMs: percentile(totals, 50),
      hops: totals.length,
      skipped,
    };
  }

  /** The first of each event in order after a response, or undefined if one is missing. */
  private pointsBetween(response: number, request: number): Record<Point, number> | undefined {
    const points: Partial<Record<Point, number>> = { response, request };
    let after = response;
    for (const kind of KINDS) {
      const stamp = this.stamps.find((each) => each.what === kind && each.sent >= after && each.sent <= request);
      if (!stamp?.replied) return undefined;
      points[`${kind}>`] = stamp.sent;
      points[`${kind}<`] = stamp.replied;
      after = stamp.sent;
    }
    return points as Record<Point, number>;
  }
}

/** The step a command is, by the name of the script it runs (ioredis knows each one's SHA). */
function scriptName(client: Redis, command: { name: string; args: unknown[] }): string {
  if (command.name !== 'evalsha') return command.name;
  const sha = String(command.args[0]);
  const scripts = (client as unknown as { scriptsSet?: Record<string, { sha: string }> }).scriptsSet ?? {};
  for (const [name, script] of Object.entries(scripts)) {
    if (script.sha !== sha) continue;
    const point = Object.entries(SCRIPT_POINTS).find(([prefix]) => name.startsWith(prefix));
    return point ? point[1] : name;
  }
  return 'evalsha';
}

/** Hops whose steps are timed: a few rounds of the hop figure's chain. */
const TIMELINE_ROUNDS = 4;

/**
 * Context for the hop figure: where a hop's time goes, step by step (see HopRecorder), against
 * the no-queue scheduler's gap from a response to the next request.
 */
export async function hopTimelineFigures(context: Context): Promise<Figure[]> {
  const { takoss, directGapMs } = await onHopChain(context, async (engine, chain) => {
    const takossHops = new HopRecorder();
    const direct = new HopRecorder();
    for (let round = 0; round < TIMELINE_ROUNDS; round++) {
      takossHops.start();
      await runChain(engine, context, chain).finally(() => takossHops.stop());
      direct.start();
      await runWithoutQueue(engine, benchGraph(chain), 1).finally(() => direct.stop());
    }
    return { takoss: takossHops.steps(), directGapMs: direct.gapMs() };
  });
  const ms = (value: number) => value.toFixed(2);
  return [
    {
      figure: `a critical-path hop step by step (median ms over ${takoss.hops} hops; ${takoss.skipped} not in this order)`,
      baseline: `in-process scheduler, no queue: ${ms(directGapMs)} from a response to the next request`,
      takoss: `${ms(takoss.totalMs)}: ${takoss.medians.map(([step, median]) => `${step} ${ms(median)}`).join('; ')}`,
      ratio: takoss.totalMs - directGapMs,
      goal: 'context: where the hop overhead goes',
      met: true,
      detail: Object.fromEntries(takoss.medians),
    },
  ];
}
