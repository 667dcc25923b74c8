/**
 * Counts the commands clients send to Redis while something runs (MONITOR; the commands a
 * Lua script runs are not counted — a script is one command). Unlike a time, the count does
 * not move with the machine's load, so it shows what a change to the engine's round trips did.
 * MONITOR sees every client of the server: nothing else may use it meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface CommandCount {
  readonly total: number;
  /** Commands by name, most frequent first. */
  readonly byCommand: readonly (readonly [string, number])[];
}

export class CommandCounter {
  private readonly client: Redis;
  private monitor: Redis | undefined;
  private counts = new Map<string, number>();
  /** Echoes this counter sent, by marker, each with what to call when MONITOR shows it. */
  private readonly markers = new Map<string, () => void>();

  constructor(redisUrl: string) {
    this.client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  /** Starts counting: every command the server runs after this resolves is counted. */
  async start(): Promise<void> {
    this.monitor = await this.client.monitor();
    this.monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') return;
      const marked = args[0]?.toLowerCase() === 'echo' ? this.markers.get(args[1] ?? '') : undefined;
      if (marked) return marked();
      const name = (args[0] ?? '').toLowerCase();
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    });
    await this.mark();
    this.counts = new Map();
  }

  /** Stops counting: the commands the server ran before this call are counted, no later one. */
  async stop(): Promise<CommandCount> {
    try {
      await this.mark();
    } finally {
      this.monitor?.disconnect();
      this.monitor = undefined;
    }
    const byCommand = [...this.counts].sort((a, b) => b[1] - a[1]);
    return { total: byCommand.reduce((sum, [, count]) => sum + count, 0), byCommand };
  }

  /** Sends an echo and waits until MONITOR shows it: what ran before it has been seen. */
  private async mark(): Promise<void> {
    const marker = `takoss-bench-${randomBytes(6).toString('hex')}`;
    const seen = new Promise<void>((resolve) => this.markers.set(marker, resolve));
    const sender = this.client.duplicate();
    try {
      await sender.echo(marker);
      await seen;
    } finally {
      this.markers.delete(marker);
      sender.disconnect();
    }
  }
}

/** "evalsha 3.1, set 1.0, …": commands per unit, the `limit` most frequent. */
export function describePer(count: CommandCount, units: number, limit = 6): string {
  return count.byCommand
    .slice(0, limit)
    .map(([name, each]) => `${name} ${(each / units).toFixed(2)}`)
    .join(', ');
}
