/**
 * Live progress of a build on stderr, one line per task, drawn by listr2 (a spinner list on
 * a terminal, plain lines elsewhere). stdout stays free for `--json`. The chain's events
 * drive it: each task's line waits for that task's final event.
 */
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { TaskGraph } from '../decomposer/taskGraph';
import type { ChainEvent } from '../orchestrator/chainDriver';

interface TaskLine {
  readonly title: string;
  wrapper?: ListrTaskWrapper<unknown, never, never>;
  settle?: (outcome: { kind: 'ok' } | { kind: 'skip' | 'fail'; reason: string }) => void;
  settled?: { kind: 'ok' } | { kind: 'skip' | 'fail'; reason: string };
}

export interface BuildProgressOptions {
  /** Plain lines even on a terminal (for logs). @defaultValue false */
  readonly plain?: boolean;
  readonly stream?: NodeJS.WriteStream;
}

export class BuildProgress {
  private readonly lines = new Map<string, TaskLine>();
  private readonly listr: Listr<unknown, 'default', 'simple'>;
  private running: Promise<unknown> | undefined;

  constructor(graph: TaskGraph, options: BuildProgressOptions = {}, alreadyDone: readonly string[] = []) {
    const stream = options.stream ?? process.stderr;
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
    for (const task of graph.tasks) {
      const waitingFor = task.dependsOn.length > 0 ? ` (after ${task.dependsOn.join(', ')})` : '';
      const title = `${task.id}: ${task.title}${waitingFor}`;
      // A resumed chain shows the tasks that finished before it as done.
      this.lines.set(task.id, alreadyDone.includes(task.id) ? { title, settled: { kind: 'ok' } } : { title });
    }
    this.listr = new Listr(
      [...this.lines.entries()].map(([id, line]) => ({
        title: line.title,
        task: (_context: unknown, wrapper: ListrTaskWrapper<unknown, never, never>) => this.follow(id, wrapper),
      })),
      {
        concurrent: true,
        exitOnError: false,
        registerSignalListeners: false,
        renderer: 'default',
        fallbackRenderer: 'simple',
        fallbackRendererCondition: options.plain ?? !stream.isTTY,
        rendererOptions: { logger, collapseErrors: false },
        fallbackRendererOptions: { logger },
      },
    );
  }

  start(): void {
    this.running ??= this.listr.run().catch(() => undefined);
  }

  /** Settles every line that has not settled (the chain ended or was left) and waits for the renderer. */
  async finish(reason = 'not run'): Promise<void> {
    for (const line of this.lines.values()) this.settle(line, { kind: 'skip', reason });
    await this.running;
  }

  handle(event: ChainEvent): void {
    const line = event.taskId ? this.lines.get(event.taskId) : undefined;
    if (!line) return;
    switch (event.type) {
      case 'task.started':
        if (line.wrapper)
          line.wrapper.title = `${line.title} — running${Number(event.data) > 1 ? ` (attempt ${event.data})` : ''}`;
        break;
      case 'task.retrying':
        if (line.wrapper) line.wrapper.output = `retrying: ${event.data ?? ''}`;
        break;
      case 'task.succeeded':
        this.settle(line, { kind: 'ok' });
        break;
      case 'task.failed':
        this.settle(line, { kind: 'fail', reason: event.data ?? 'failed' });
        break;
      case 'task.skipped':
        this.settle(line, { kind: 'skip', reason: event.data === 'budget' ? 'budget reached' : 'skipped' });
        break;
      case 'task.cancelled':
        this.settle(line, { kind: 'skip', reason: 'cancelled' });
        break;
      case 'task.unneeded':
        this.settle(line, { kind: 'skip', reason: 'not needed: the checks before it passed' });
        break;
    }
  }

  private follow(id: string, wrapper: ListrTaskWrapper<unknown, never, never>): Promise<void> {
    const line = this.lines.get(id)!;
    line.wrapper = wrapper;
    return new Promise<void>((resolve, reject) => {
      line.settle = (outcome) => {
        if (outcome.kind === 'ok') {
          wrapper.title = line.title;
          resolve();
        } else if (outcome.kind === 'skip') {
          wrapper.skip(`${line.title} — ${outcome.reason}`);
          resolve();
        } else {
          reject(new Error(`${id}: ${outcome.reason}`));
        }
      };
      if (line.settled) line.settle(line.settled);
    });
  }

  private settle(line: TaskLine, outcome: NonNullable<TaskLine['settled']>): void {
    if (line.settled) return;
    line.settled = outcome;
    line.settle?.(outcome);
  }
}
