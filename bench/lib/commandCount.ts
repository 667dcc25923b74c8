/**
 * Counts the commands clients send to Redis while something runs (MONITOR; the commands a
 * Lua script runs are not counted — a script is one command). A count moves far less with the
 * machine's load than a time does (how events batch still varies it a little), so it shows
 * what a change to the engine's round trips did. MONITOR sees every client of the server:
 * nothing else may use it meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from '../../server/src/services/redis';

export interface CommandCount {
  readonly total: number;
  /** Commands by name, most frequent first. */
  readonly byCommand: readonly (readonly [string, number])[];
}

/** How long an echo may take to show up in MONITOR before counting gives up. */
const MARK_TIMEOUT_MS = 10_000;

export class CommandCounter {
  private readonly client: Redis;
  private monitor: Redis | undefined;
  /** Sends the echoes that mark the start and the end; connected before counting starts. */
  private sender: Redis | undefined;
  private counts = new Map<string, number>();
  private counting = false;
  /** Echoes sent and not yet seen, by marker, with what to do when MONITOR shows them. */
  private readonly markers = new Map<string, () => void>();

  constructor(redisUrl: string) {
    this.client = new Redis({ ...redisOptionsFromUrl(redisUrl), lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  /** Starts counting: every command the server runs after this resolves is counted. */
  async start(): Promise<void> {
    this.sender = this.client.duplicate();
    await this.sender.ping();
    this.monitor = await this.client.monitor();
    this.monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') return;
      const marked = args[0]?.toLowerCase() === 'echo' ? this.markers.get(args[1] ?? '') : undefined;
      if (marked) return marked();
      if (!this.counting) return;
      const name = (args[0] ?? '').toLowerCase();
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    });
    await this.mark(() => {
      this.counts = new Map();
      this.counting = true;
    });
  }

  /** Stops counting: the commands the server ran before this call are counted, no later one. */
  async stop(): Promise<CommandCount> {
    try {
      await this.mark(() => (this.counting = false));
    } finally {
      this.counting = false;
      this.monitor?.disconnect();
      this.sender?.disconnect();
      this.monitor = this.sender = undefined;
    }
    const byCommand = [...this.counts].sort((a, b) => b[1] - a[1]);
    return { total: byCommand.reduce((sum, [, count]) => sum + count, 0), byCommand };
  }

  /** Sends an echo; `seen` runs when MONITOR shows it, in order with every other command. */
  private async mark(seen: () => void): Promise<void> {
    const marker = `takoss-bench-${randomBytes(6).toString('hex')}`;
    let timer: NodeJS.Timeout | undefined;
    const shown = new Promise<void>((resolve, reject) => {
      this.markers.set(marker, () => {
        seen();
        resolve();
      });
      timer = setTimeout(() => reject(new Error('MONITOR did not show the marker')), MARK_TIMEOUT_MS);
    });
    try {
      await this.sender!.echo(marker);
      await shown;
    } finally {
      clearTimeout(timer);
      this.markers.delete(marker);
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
